"""Production hardening, derived from the environment: cookies, HTTPS, HSTS, headers and CSP.

Development (DJANGO_DEBUG=1) keeps plain cookie names and plain HTTP so runserver works;
production (DJANGO_DEBUG=0) is what `manage.py check --deploy` asks for, with nothing to add.
"""

import ipaddress
from collections.abc import Mapping
from typing import Any

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

# Browsers accept a __Host- cookie only if it is Secure, has Path=/ and no Domain, so neither
# a sibling subdomain nor a page over plain HTTP can set or overwrite it.
HOST_PREFIX = "__Host-"
HSTS_SECONDS = 31_536_000  # one year: the least that browsers' HSTS preload lists accept
LOOPBACK = "127.0.0.1,::1"
# Load balancers check health over plain HTTP, behind the TLS proxy (a regex on the path).
REDIRECT_EXEMPT = [r"^healthz$"]

# No inline script or style anywhere: everything comes from this site's static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # base.html's empty favicon is a data: URL
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}


def env_flag(environ: Mapping[str, str], name: str, default: bool) -> bool:
    value = environ.get(name) or ("1" if default else "0")
    if value not in ("0", "1"):
        raise ImproperlyConfigured(f"{name} must be 1 or 0, not {value!r}.")
    return value == "1"


def env_seconds(environ: Mapping[str, str], name: str, default: int) -> int:
    value = environ.get(name) or str(default)
    if not value.isdigit():
        raise ImproperlyConfigured(f"{name} must be a whole number of seconds, not {value!r}.")
    return int(value)


def env_networks(environ: Mapping[str, str], name: str, default: str) -> list[str]:
    """Comma-separated addresses or networks, e.g. 127.0.0.1,10.0.0.0/8."""
    items = [item.strip() for item in (environ.get(name) or default).split(",") if item.strip()]
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            message = f"{name} must list addresses or networks like 10.0.0.0/8, not {item!r}."
            raise ImproperlyConfigured(message) from None
    return items


def security_settings(environ: Mapping[str, str], *, debug: bool) -> dict[str, Any]:
    """Django's cookie, HTTPS and header settings for development or production."""
    production = not debug
    prefix = HOST_PREFIX if production else ""
    hsts_seconds = env_seconds(environ, "DJANGO_HSTS_SECONDS", HSTS_SECONDS)
    behind_proxy = env_flag(environ, "DJANGO_BEHIND_TLS_PROXY", False)
    # Behind a proxy on this host (the README's layout) loopback speaks for clients by default.
    proxies = env_networks(environ, "DJANGO_TRUSTED_PROXIES", LOOPBACK if behind_proxy else "")
    return {
        # Then the proxy's X-Forwarded-Proto is believed.
        "BEHIND_TLS_PROXY": behind_proxy,
        # Only requests from these proxies have their X-Forwarded-For believed (shop/client_ip.py).
        "TRUSTED_PROXIES": proxies,
        "SESSION_COOKIE_NAME": f"{prefix}sessionid",
        "CSRF_COOKIE_NAME": f"{prefix}csrftoken",
        "SESSION_COOKIE_SECURE": production,
        "CSRF_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_PATH": "/",
        "CSRF_COOKIE_PATH": "/",
        "SESSION_COOKIE_DOMAIN": None,
        "CSRF_COOKIE_DOMAIN": None,
        "SECURE_SSL_REDIRECT": production,
        "SECURE_REDIRECT_EXEMPT": REDIRECT_EXEMPT,
        # Development must not pin localhost to HTTPS in the developer's browser.
        "SECURE_HSTS_SECONDS": hsts_seconds if production else 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": env_flag(environ, "DJANGO_HSTS_INCLUDE_SUBDOMAINS", True),
        "SECURE_HSTS_PRELOAD": env_flag(environ, "DJANGO_HSTS_PRELOAD", True),
        # Trusted only behind a proxy that sets the header itself, or clients could claim HTTPS.
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https") if behind_proxy else None,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
        "X_FRAME_OPTIONS": "DENY",
        "CONTENT_SECURITY_POLICY": CONTENT_SECURITY_POLICY,
    }

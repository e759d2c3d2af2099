"""The constants of production hardening; shop/settings.py sets cookies, HTTPS, HSTS,
headers and the CSP from them by name.

Development (DJANGO_DEBUG=1) keeps plain cookie names and plain HTTP so runserver works;
production (DJANGO_DEBUG=0) is what `manage.py check --deploy` asks for, with nothing to add.
"""

from csp.constants import NONE, SELF

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

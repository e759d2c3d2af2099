"""The security settings, as shop/settings.py derives them from the environment."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.settings_page import settings_with

PRODUCTION_COOKIES = {
    "SESSION_COOKIE_NAME": "__Host-sessionid",
    "CSRF_COOKIE_NAME": "__Host-csrftoken",
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "CSRF_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_PATH": "/",
    "CSRF_COOKIE_PATH": "/",
    "SESSION_COOKIE_DOMAIN": None,
    "CSRF_COOKIE_DOMAIN": None,
}


def production(**environ: str) -> dict:
    return settings_with(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="a-production-key-" * 4, **environ)


def development(**environ: str) -> dict:
    return settings_with(DJANGO_DEBUG="1", **environ)


def test_production_cookies_are_host_only_and_secure():
    assert production().items() >= PRODUCTION_COOKIES.items()


def test_development_keeps_plain_cookie_names_over_http():
    settings = development()
    assert settings["SESSION_COOKIE_NAME"] == "sessionid"
    assert settings["CSRF_COOKIE_NAME"] == "csrftoken"
    assert settings["SESSION_COOKIE_SECURE"] is False
    assert settings["CSRF_COOKIE_SECURE"] is False


def test_production_redirects_to_https_except_the_health_check():
    settings = production()
    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SECURE_REDIRECT_EXEMPT"] == [r"^healthz$"]


def test_development_neither_redirects_nor_sends_hsts():
    settings = development(DJANGO_HSTS_SECONDS="600")
    assert settings["SECURE_SSL_REDIRECT"] is False
    assert settings["SECURE_HSTS_SECONDS"] == 0


def test_hsts_defaults_to_a_year_with_subdomains_and_preload():
    settings = production()
    assert settings["SECURE_HSTS_SECONDS"] == 31_536_000
    assert settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert settings["SECURE_HSTS_PRELOAD"] is True


def test_hsts_comes_from_the_environment():
    settings = production(
        DJANGO_HSTS_SECONDS="3600", DJANGO_HSTS_INCLUDE_SUBDOMAINS="0", DJANGO_HSTS_PRELOAD="0"
    )
    assert settings["SECURE_HSTS_SECONDS"] == 3600
    assert settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert settings["SECURE_HSTS_PRELOAD"] is False


@pytest.mark.parametrize("value", ["a year", "-1", "1.5"])
def test_a_bad_hsts_value_is_named(value):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_HSTS_SECONDS must be a whole number"):
        production(DJANGO_HSTS_SECONDS=value)


def test_a_bad_flag_is_named():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_BEHIND_TLS_PROXY must be 1 or 0"):
        production(DJANGO_BEHIND_TLS_PROXY="yes")


def test_x_forwarded_proto_is_ignored_unless_behind_a_tls_proxy():
    assert production()["SECURE_PROXY_SSL_HEADER"] is None
    assert production(DJANGO_BEHIND_TLS_PROXY="0")["SECURE_PROXY_SSL_HEADER"] is None


def test_behind_a_tls_proxy_x_forwarded_proto_says_https():
    settings = production(DJANGO_BEHIND_TLS_PROXY="1")
    assert settings["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_pages_may_not_be_framed_sniffed_or_leak_their_address():
    settings = production()
    assert settings["X_FRAME_OPTIONS"] == "DENY"
    assert settings["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert settings["SECURE_REFERRER_POLICY"] == "same-origin"
    assert settings["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"


@pytest.mark.parametrize("debug", [True, False])
def test_the_content_security_policy_allows_no_inline_code_in_either_mode(debug):
    settings = development() if debug else production()
    directives = settings["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_behind_the_tls_proxy_loopback_is_the_trusted_proxy_unless_told():
    assert production(DJANGO_BEHIND_TLS_PROXY="1")["TRUSTED_PROXIES"] == ["127.0.0.1", "::1"]
    assert production()["TRUSTED_PROXIES"] == []
    told = production(DJANGO_BEHIND_TLS_PROXY="1", DJANGO_TRUSTED_PROXIES="10.0.0.0/8, fd00::1")
    assert told["TRUSTED_PROXIES"] == ["10.0.0.0/8", "fd00::1"]


def test_trusted_proxies_must_be_addresses_or_networks():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_TRUSTED_PROXIES must list addresses"):
        production(DJANGO_TRUSTED_PROXIES="10.0.0.0/8,proxy.example.com")


def test_a_bad_hsts_value_stops_development_too():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_HSTS_SECONDS must be a whole number"):
        development(DJANGO_HSTS_SECONDS="a year")


def test_hsts_may_be_turned_off_with_zero():
    assert production(DJANGO_HSTS_SECONDS="0")["SECURE_HSTS_SECONDS"] == 0

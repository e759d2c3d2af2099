"""Every page carries the Content-Security-Policy and SecurityMiddleware's headers."""

import pytest

from tests.security.helpers import POLICY, directives

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/cart/", "/accounts/login/", "/admin/login/"])
def test_pages_carry_the_content_security_policy(client, path):
    response = client.get(path)
    assert directives(response["Content-Security-Policy"]) == directives(POLICY)
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_pages_carry_the_security_middlewares_headers(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_development_sends_no_hsts_even_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/", secure=True)

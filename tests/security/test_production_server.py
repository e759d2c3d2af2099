"""Production as a browser behind the TLS proxy meets it: a real gunicorn with DJANGO_DEBUG=0
and the README's environment, asked over 127.0.0.1 with the proxy's headers, once per engine.

The proxy terminates TLS and says so with `X-Forwarded-Proto: https`; a request without that
header is what arrives over plain HTTP.
"""

import http.client
import json
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import pytest

from shop.sessions.config import REDIS_BACKENDS
from tests.security.helpers import POLICY, directives
from tests.services import REDIS_URL, engines_under_test, require_redis
from tools.servers import CREATE_SHOPPER, gunicorn, manage

HOST = "shop.example.com"
ORIGIN = f"https://{HOST}"
SHOPPER = ("ada", "plum-jam-tart-41")  # username, password
REQUEST_TIMEOUT = 10  # seconds for any one request
PERSONAL_PAGES = [
    "/cart/",
    "/cart/summary/",
    "/state/",
    "/accounts/sessions/",
    "/accounts/password/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]


@dataclass(frozen=True)
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str

    def set_cookie(self, name: str) -> list[str]:
        """The attributes of the Set-Cookie line for `name`, the value left out."""
        for line in self.headers.get_all("Set-Cookie") or []:
            first, *attributes = [part.strip() for part in line.split(";")]
            if first.split("=", 1)[0] == name:
                return attributes
        raise AssertionError(f"no Set-Cookie for {name}: {self.headers.get_all('Set-Cookie')}")

    def cache_control(self) -> set[str]:
        return {part.strip() for part in self.headers.get("Cache-Control", "").split(",")}


@dataclass
class Browser:
    """A browser's requests as the TLS proxy forwards them: cookies kept, HTTPS unless told."""

    url: str
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, https: bool = True
    ) -> Answer:
        headers = {"Host": HOST}
        if https:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": ORIGIN}
        address = urlsplit(self.url)
        connection = http.client.HTTPConnection(
            address.hostname, address.port, timeout=REQUEST_TIMEOUT
        )
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            answer = Answer(response.status, response.msg, response.read().decode())
        finally:
            connection.close()
        self.keep_cookies(answer)
        return answer

    def keep_cookies(self, answer: Answer) -> None:
        for line in answer.headers.get_all("Set-Cookie") or []:
            name, value = line.split(";", 1)[0].split("=", 1)
            if value in ("", '""'):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def get(self, path: str, https: bool = True) -> Answer:
        return self.request("GET", path, https=https)

    def post_form(self, page: str, action: str, form: dict[str, str]) -> Answer:
        """Send a form from `page` to `action` with the page's CSRF token, as a browser would."""
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get(page).body)
        assert token, f"{page} has no CSRF token"
        return self.request("POST", action, {"csrfmiddlewaretoken": token.group(1), **form})

    def sign_in(self) -> Answer:
        username, password = SHOPPER
        form = {"username": username, "password": password}
        return self.post_form("/accounts/login/", "/accounts/login/", form)


@pytest.fixture(scope="module")
def production_env(tmp_path_factory) -> dict[str, str]:
    """The README's production environment, on a SQLite file and static folder of its own."""
    root = tmp_path_factory.mktemp("production")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SESSION_"))}
    env |= {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_BEHIND_TLS_PROXY": "1",
        "DATABASE_URL": f"sqlite:///{root / 'db.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(root / "media"),
        "DJANGO_STATIC_ROOT": str(root / "static"),
        "REDIS_URL": REDIS_URL,
    }
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    username, password = SHOPPER
    shopper = {
        "SHOPPER_USERNAME": username,
        "SHOPPER_EMAIL": f"{username}@example.com",
        "SHOPPER_PASSWORD": password,
    }
    manage({**env, **shopper}, "shell", "-c", CREATE_SHOPPER)
    return env


@pytest.fixture(scope="module", params=engines_under_test())
def site(request, production_env, tmp_path_factory) -> Iterator[str]:
    """gunicorn on one session engine, stopped by its PID after that engine's tests."""
    engine = request.param
    if engine in REDIS_BACKENDS:
        require_redis()
    log = tmp_path_factory.mktemp(f"production-{engine}") / "gunicorn.log"
    with gunicorn({**production_env, "SESSION_BACKEND": engine}, log, workers=1) as url:
        yield url


@pytest.fixture
def browser(site: str) -> Browser:
    return Browser(site)


def test_plain_http_is_redirected_to_https(browser):
    answer = browser.get("/products/?q=jam", https=False)
    assert answer.status == 301
    assert answer.headers["Location"] == f"{ORIGIN}/products/?q=jam"


def test_the_health_check_answers_over_plain_http(browser):
    answer = browser.get("/healthz", https=False)
    assert answer.status == 200
    assert json.loads(answer.body)["status"] == "ok"


def test_pages_carry_hsts_and_the_security_headers(browser):
    answer = browser.get("/")
    assert answer.status == 200
    assert (
        answer.headers["Strict-Transport-Security"]
        == "max-age=31536000; includeSubDomains; preload"
    )
    assert directives(answer.headers["Content-Security-Policy"]) == directives(POLICY)
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "same-origin"
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_a_page_with_a_form_sets_a_host_only_secure_csrf_cookie(browser):
    attributes = browser.get("/accounts/login/").set_cookie("__Host-csrftoken")
    names = {attribute.split("=")[0].lower() for attribute in attributes}
    assert names == {"expires", "max-age", "path", "samesite", "secure"}  # no Domain
    assert {"Path=/", "SameSite=Lax", "Secure"} <= set(attributes)


def test_signing_in_sets_a_host_only_secure_http_only_session_cookie(browser):
    answer = browser.sign_in()
    assert answer.status == 302, answer.body
    attributes = answer.set_cookie("__Host-sessionid")
    lifetime = {a for a in attributes if a.lower().startswith(("expires=", "max-age="))}
    assert set(attributes) - lifetime == {"HttpOnly", "Path=/", "SameSite=Lax", "Secure"}
    # The CSRF token rotates at sign-in, and keeps its prefix and attributes.
    assert {"Path=/", "SameSite=Lax", "Secure"} <= set(answer.set_cookie("__Host-csrftoken"))


def test_signing_out_deletes_the_session_cookie_as_it_was_set(browser):
    browser.sign_in()
    answer = browser.post_form("/", "/accounts/logout/", {})
    assert answer.status == 302
    # A browser ignores a __Host- cookie's deletion unless it, too, is Secure with Path=/.
    attributes = answer.set_cookie("__Host-sessionid")
    assert {"Max-Age=0", "Path=/", "SameSite=Lax", "Secure"} <= set(attributes)
    assert "__Host-sessionid" not in browser.cookies


def test_personal_pages_are_never_stored(browser):
    assert browser.sign_in().status == 302  # once: each sign-in hashes a password
    for path in PERSONAL_PAGES:
        answer = browser.get(path)
        assert answer.status == 200, path
        assert {"no-store", "private"} <= answer.cache_control(), path


def test_the_stylesheets_are_served_from_collected_static_files(browser):
    home = browser.get("/")
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', home.body)
    assert stylesheets
    for href in stylesheets:
        answer = browser.get(href)
        assert answer.status == 200, href
        assert answer.headers["Content-Type"].startswith("text/css")

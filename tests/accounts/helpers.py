"""Shared steps for the account tests: users, sign-in, the session store, errors on the page."""

import re
from collections import defaultdict
from html.parser import HTMLParser
from importlib import import_module

from django.conf import settings

from tests.factories import PASSWORD, make_user  # noqa: F401  (the account tests' users)

NEW_PASSWORD = "quince-paste-92"


def sign_in(client, username: str = "ada", password: str = PASSWORD, **fields):
    return client.post("/accounts/login/", {"username": username, "password": password, **fields})


def signed_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


def session_cookie(client) -> str:
    morsel = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return morsel.value if morsel else ""


def has_server_state() -> bool:
    return settings.SESSION_BACKEND != "cookie"


def stored(session_key: str) -> bool:
    """Whether the engine under test still holds this session on the server."""
    return import_module(settings.SESSION_ENGINE).SessionStore().exists(session_key)


def start_guest_session(client) -> str:
    """Give the client a guest session with some data in it; return its cookie value."""
    session = client.session
    session["guest_note"] = "kept"
    session.save()
    # On the cookie engine the value is the data itself, so it changed with the save.
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return session.session_key


def csrf_token_from(response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    assert match, "the page has no CSRF token"
    return match.group(1)


VOID_TAGS = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class ErrorCollector(HTMLParser):
    """Error texts by the field wrapper (id="field-<name>") they sit in; None for the form's."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str | None, bool]] = []
        self.errors: dict[str | None, list[str]] = defaultdict(list)

    def handle_starttag(self, tag, attrs):
        if tag in VOID_TAGS:
            return
        attrs = dict(attrs)
        field, in_error = self.stack[-1][1:] if self.stack else (None, False)
        if (attrs.get("id") or "").startswith("field-"):
            field = attrs["id"].removeprefix("field-")
        classes = (attrs.get("class") or "").split()
        in_error = in_error or "field-error" in classes or "form-error" in classes
        self.stack.append((tag, field, in_error))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if self.stack and self.stack[-1][2] and data.strip():
            self.errors[self.stack[-1][1]].append(data.strip())


def errors_on_page(response) -> dict[str | None, list[str]]:
    collector = ErrorCollector()
    collector.feed(response.content.decode())
    return collector.errors


def field_errors(response, field: str) -> str:
    """The errors shown beside one field, as one string."""
    return " ".join(errors_on_page(response).get(field, []))


def form_errors(response) -> str:
    """The errors shown on top of the form, about no one field."""
    return " ".join(errors_on_page(response).get(None, []))


WRONG_PASSWORD = "not-the-password"
OTHER_ADDRESS = "198.51.100.9"


def fail_until_locked_out(client, username: str = "ada", url: str = "/accounts/login/"):
    """Fail sign-in SIGNIN_FAILURE_LIMIT times; return the last answer, the one that locks out."""
    for _ in range(settings.SIGNIN_FAILURE_LIMIT - 1):
        response = client.post(url, {"username": username, "password": WRONG_PASSWORD})
        assert response.status_code == 200
    return client.post(url, {"username": username, "password": WRONG_PASSWORD})

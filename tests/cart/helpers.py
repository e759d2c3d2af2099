from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.conf import settings
from django.db import connections
from django.test import Client

from cart import session_cart

JSON = {"HTTP_ACCEPT": "application/json"}


def cart_of(client) -> dict[int, int]:
    """Product id -> quantity, as stored in the client's session on the engine under test."""
    return {pid: entry.quantity for pid, entry in session_cart.read(client.session).items()}


def add(client, product, quantity="1", **extra):
    return client.post(f"/cart/add/{product.id}/", {"quantity": quantity}, **extra)


def add_at_once(cookie: str, product, threads: int, adds_each: int) -> list[int]:
    """`threads` clients on the session `cookie` names, each adding `product` `adds_each`
    times, all at once; the statuses of every add."""

    def add_in_thread(_: int) -> list[int]:
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie
        try:
            return [add(client, product, "1").status_code for _ in range(adds_each)]
        finally:
            connections.close_all()  # each thread's own connection

    with ThreadPoolExecutor(threads) as pool:
        return [code for codes in pool.map(add_in_thread, range(threads)) for code in codes]


@dataclass
class Form:
    """A form on a page as a browser without JavaScript sees it."""

    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    buttons: list[str] = field(default_factory=list)  # accessible names: all their text


class FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self.button_text: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append(Form(attrs.get("action", ""), attrs.get("method", "get").lower()))
        elif tag == "input" and self.forms and "name" in attrs:
            self.forms[-1].fields[attrs["name"]] = attrs.get("value", "")
        elif tag == "button":
            self.button_text = []

    def handle_data(self, data):
        if self.button_text is not None:
            self.button_text.append(data)

    def handle_endtag(self, tag):
        if tag == "button" and self.button_text is not None:
            self.forms[-1].buttons.append(" ".join("".join(self.button_text).split()))
            self.button_text = None


def forms_on(response) -> list[Form]:
    parser = FormParser()
    parser.feed(response.content.decode())
    return parser.forms


def form_to(response, action: str) -> Form:
    [form] = [form for form in forms_on(response) if form.action == action]
    return form

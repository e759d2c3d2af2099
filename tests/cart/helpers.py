from concurrent.futures import ThreadPoolExecutor

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

"""Django writes a whole session at the end of a request; concurrent cart changes on one
session must still all count on the engines that keep state on the server."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

from tests.cart.helpers import add, cart_of

THREADS, ADDS_EACH = 6, 5


def add_in_thread(cookie: str, product) -> list[int]:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    try:
        return [add(client, product, "1").status_code for _ in range(ADDS_EACH)]
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_concurrent_adds_on_one_session_all_count(client, session_backend, make_product):
    if session_backend == "cookie":
        pytest.skip("a cookie session is whatever the browser sends last: there is no server copy")
    product = make_product(stock=99)
    add(client, product, "1")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(add_in_thread, [cookie] * THREADS, [product] * THREADS))
    assert all(code == 302 for codes in results for code in codes)
    assert cart_of(client) == {product.id: 1 + THREADS * ADDS_EACH}

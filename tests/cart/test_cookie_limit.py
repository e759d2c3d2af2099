"""The signed-cookie engine keeps the whole session in a cookie a browser caps at 4,096 bytes."""

import random

from django.conf import settings

from cart import session_cart
from cart.session_cart import Entry
from tests.cart.helpers import JSON, add, cart_of

COOKIE_LIMIT = 4096


def fill_session(client) -> dict:
    """Give the client a session cart of random (hard to compress) lines, just short of full
    for a cookie, or the same amount for a server-side store."""
    session, rng, entries = client.session, random.Random(7), {}
    while True:
        line = {rng.randrange(10**6, 10**7): Entry(rng.randrange(1, 99), rng.randrange(10**5))}
        session_cart.write(session, {**entries, **line})
        if not session.has_room() or len(entries) >= 600:
            break
        entries.update(line)
    session_cart.write(session, entries)
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return entries


def set_cookie_length(response) -> int:
    return len(response.cookies[settings.SESSION_COOKIE_NAME].output(header="").strip())


def test_a_cart_too_large_for_the_cookie_is_refused_with_a_message(
    client, session_backend, make_product, settings
):
    settings.ORDER_MAX_PER_LINE = 99  # the most a cart line can hold: the cookie's worst case
    entries = fill_session(client)
    product = make_product(stock=99, price="1234.56")
    response = add(client, product, "99", **JSON)
    if session_backend == "cookie":
        assert response.status_code == 400
        assert "at most 4 KB" in response.json()["error"]
        assert set(cart_of(client)) == set(entries)
    else:
        assert response.status_code == 200, "server-side stores have no 4 KB limit"
        assert product.id in cart_of(client)


def test_a_full_cart_page_still_works(client, session_backend, make_product):
    fill_session(client)
    response = client.get("/cart/")
    assert response.status_code == 200
    assert "no longer available" in response.content.decode()


def test_every_cookie_sent_stays_within_4096_bytes(client, session_backend, make_product):
    if session_backend != "cookie":
        return
    fill_session(client)
    cart = session_cart.read(client.session)
    removed = next(iter(cart))
    response = client.post(f"/cart/remove/{removed}/")
    assert response.status_code == 302
    small = make_product(stock=99, price="1.00")
    for _ in range(5):
        response = add(client, small, "1")
        if response.status_code == 400:
            break
        assert set_cookie_length(response) <= COOKIE_LIMIT

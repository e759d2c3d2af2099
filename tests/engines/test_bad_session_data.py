"""A tampered, truncated or corrupt session starts afresh: never a 500, never another's data."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django_redis import get_redis_connection

from shop.sessions.base import digest
from tests.cart.helpers import add, cart_of


@pytest.fixture
def shopper(client, make_product):
    """A client with one line in its cart."""
    add(client, make_product(), "2")
    return client


def session_cookie(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@pytest.mark.parametrize(
    "tamper",
    [
        lambda value: value[:-6] + "AAAAAA",
        lambda value: value[: len(value) // 2],
        lambda value: value + "x",
        lambda value: "",
        lambda value: "not-a-session-key!%$",
        lambda value: "a" * 5000,
    ],
    ids=["signature", "truncated", "appended", "empty", "garbage", "huge"],
)
def test_a_tampered_cookie_starts_a_fresh_session(shopper, tamper):
    shopper.cookies[settings.SESSION_COOKIE_NAME] = tamper(session_cookie(shopper))
    for path in ("/", "/cart/", "/cart/summary/", "/state/"):
        assert shopper.get(path).status_code in (200, 302), path
    assert cart_of(shopper) == {}


def corrupt_stored_session(client, backend: str, value) -> None:
    key = session_cookie(client)
    if backend in ("db", "redis_db") and isinstance(value, str):
        Session.objects.filter(session_key=digest(key)).update(session_data=value)
    if backend in ("redis", "redis_db"):
        store = client.session
        raw = get_redis_connection(settings.SESSION_CACHE_ALIAS)
        raw.set(caches[settings.SESSION_CACHE_ALIAS].make_key(store.cache_key), value)


# PostgreSQL refuses NUL in text, so the binary case starts at \x01; Redis takes raw bytes.
@pytest.mark.parametrize("value", ["garbage", "[1, 2, 3]", '{"cart": 5}', "\x01\xff", b"\x00\xff"])
def test_corrupt_data_in_the_store_is_not_a_500(shopper, session_backend, value):
    if session_backend == "cookie":
        pytest.skip("a cookie session has no server-side store to corrupt")
    if isinstance(value, bytes) and session_backend == "db":
        pytest.skip("raw bytes reach only Redis; a database column holds text")
    corrupt_stored_session(shopper, session_backend, value)
    for path in ("/", "/cart/", "/cart/summary/", "/state/"):
        assert shopper.get(path).status_code == 200, path
    assert shopper.post("/cart/clear/").status_code == 302


@pytest.mark.parametrize(
    "cart",
    [5, "text", [1, 2], {"x": [1, "2.00"]}, {"1": "bad"}, {"1": [0, "2.00"]}, {"1": [1, "NaN"]}],
)
def test_malformed_cart_data_in_a_valid_session_is_ignored(client, make_product, cart):
    session = client.session
    session["cart"] = cart
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    assert client.get("/cart/").status_code == 200
    assert client.get("/cart/summary/").json()["count"] == 0
    product = make_product()
    add(client, product, "1")
    assert cart_of(client) == {product.id: 1}

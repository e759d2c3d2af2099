"""The register costs ordinary requests nothing: no query, no Redis round trip.

Each page is fetched twice with the same cookies: once by the full stack, once by the same
stack without the register's middleware. The two must cost exactly the same.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shop.register import ending
from tests.cart.helpers import add
from tests.register.helpers import make_user, sign_in

REGISTER_MIDDLEWARE = "shop.register.middleware.SessionRegisterMiddleware"
# Redis commands an ordinary request sends: the session read, nothing else.
# Redis round trips of a page read: only the Redis engines make any.
ROUND_TRIPS = {"cookie": 0, "db": 0, "redis": 1, "redis_db": 1, "memory": 0, "file": 0}


@pytest.fixture
def shopper(client, make_product):
    product = make_product()
    add(client, product, "2")
    client.get(f"/products/{product.slug}/")  # any first-visit bookkeeping is behind us
    client.get("/cart/")
    return client, product


def pages(product) -> list[str]:
    return ["/", "/products/", f"/products/{product.slug}/", "/cart/", "/cart/summary/"]


def cost(client: Client, url: str, redis_commands: list) -> tuple[list[str], int]:
    redis_commands.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries], len(redis_commands)


def without_register(client: Client) -> Client:
    """A client with the same cookies, served by the stack minus the register."""
    bare = Client()
    bare.cookies = client.cookies
    return bare


def assert_register_adds_nothing(client, product, redis_commands) -> None:
    middleware = [m for m in settings.MIDDLEWARE if m != REGISTER_MIDDLEWARE]
    for url in pages(product):
        with_register = cost(client, url, redis_commands)
        with override_settings(MIDDLEWARE=middleware):
            bare = cost(without_register(client), url, redis_commands)
        assert len(with_register[0]) == len(bare[0]), (url, with_register[0], bare[0])
        assert with_register[1] == bare[1], url
        assert not [s for s in with_register[0] if "sessionrecord" in s.lower()], url


def test_the_register_adds_no_query_or_round_trip_for_a_guest(
    shopper, session_backend, redis_commands
):
    client, product = shopper
    assert_register_adds_nothing(client, product, redis_commands)


def test_the_register_adds_no_query_or_round_trip_when_signed_in(
    shopper, session_backend, redis_commands
):
    client, product = shopper
    make_user()
    sign_in(client)
    client.get("/cart/")
    assert_register_adds_nothing(client, product, redis_commands)


def test_an_ordinary_guest_page_writes_nothing(shopper, session_backend, redis_commands):
    client, _ = shopper
    statements, round_trips = cost(client, "/cart/", redis_commands)
    assert not [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    session_reads = [s for s in statements if "django_session" in s]
    assert len(session_reads) == (1 if session_backend == "db" else 0)
    assert round_trips == ROUND_TRIPS[session_backend]


def test_a_signed_in_page_reads_the_user_once(shopper, session_backend, redis_commands):
    client, _ = shopper
    make_user()
    sign_in(client)
    client.get("/cart/")
    statements, round_trips = cost(client, "/cart/", redis_commands)
    user_reads = [s for s in statements if 'FROM "accounts_user"' in s]
    assert len(user_reads) == 1, "the auth middleware's own user read, and no other"
    assert not [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert round_trips == ROUND_TRIPS[session_backend]


def test_ended_guests_are_polled_once_per_interval_where_the_ender_cannot_reach_them(
    client, session_backend, make_product
):
    add(client, make_product(), "1")
    ending.ended_cookie_guests.forget()  # a fresh process: its first guest request polls
    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            client.get("/cart/")
    polls = [q["sql"] for q in queries if "sessionrecord" in q["sql"].lower()]
    # A signed cookie, another process's memory, another instance's disk: polled.
    assert len(polls) == (1 if session_backend in ("cookie", "memory", "file") else 0)


def test_checking_how_a_session_ended_adds_no_query_or_round_trip(
    shopper, session_backend, redis_commands
):
    """A user with many ended sessions and a cut-off: the checks read the user row the auth
    middleware loads anyway, and the lifetime stamps in the session itself."""
    client, product = shopper
    user = make_user()
    sign_in(client)
    user.ended_sessions = {f"ended-{n}": 2_000_000_000 for n in range(50)}
    user.sessions_valid_after = timezone.now() - timedelta(days=1)
    user.save(update_fields=["ended_sessions", "sessions_valid_after"])
    client.get("/cart/")
    assert_register_adds_nothing(client, product, redis_commands)


def test_a_request_that_never_reads_the_session_does_not_load_it(
    shopper, session_backend, redis_commands
):
    """Health checks and images carry the cookie too: the end-of-request bookkeeping must
    not read a session the view left alone."""
    client, _ = shopper
    make_user()
    sign_in(client)
    client.get("/cart/")
    statements, round_trips = cost(client, "/healthz", redis_commands)
    session_reads = [s for s in statements if "django_session" in s and "'healthz'" not in s]
    assert not session_reads
    assert round_trips == (1 if session_backend in ("redis", "redis_db") else 0)  # the ping

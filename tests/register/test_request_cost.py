"""The register costs ordinary requests nothing: no query, no Redis round trip."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cart.helpers import add
from tests.register.helpers import make_user, sign_in

# Redis commands an ordinary request sends: the session read, nothing else.
ROUND_TRIPS = {"cookie": 0, "db": 0, "redis": 1, "redis_db": 1}


def sql_of(queries) -> list[str]:
    return [q["sql"] for q in queries]


@pytest.fixture
def shopper(client, make_product):
    product = make_product()
    add(client, product, "2")
    client.get("/cart/")  # any first-visit bookkeeping is behind us
    return client, product


def test_an_ordinary_guest_request_writes_nothing(shopper, session_backend, redis_commands):
    client, product = shopper
    redis_commands.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/products/{product.slug}/").status_code == 200
    statements = sql_of(queries)
    assert not [s for s in statements if "sessionrecord" in s.lower()]
    assert not [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    session_reads = [s for s in statements if "django_session" in s]
    assert len(session_reads) == (1 if session_backend == "db" else 0)
    assert len(redis_commands) == ROUND_TRIPS[session_backend]


def test_an_ordinary_signed_in_request_adds_no_query(shopper, session_backend, redis_commands):
    client, product = shopper
    make_user()
    sign_in(client)
    client.get("/cart/")
    redis_commands.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/cart/").status_code == 200
    statements = sql_of(queries)
    user_reads = [s for s in statements if 'FROM "accounts_user"' in s]
    assert len(user_reads) == 1, "the auth middleware's own user read, and no other"
    assert not [s for s in statements if "sessionrecord" in s.lower()]
    assert not [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert len(redis_commands) == ROUND_TRIPS[session_backend]

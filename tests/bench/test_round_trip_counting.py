"""The benchmark's server-side count of round trips agrees with the tests' own count.

Importing bench.round_trips wraps Django's commit and redis-py's send for the whole
run; outside a request that sends X-Bench-Count the wrappers count nothing."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from bench.round_trips import COUNT_HEADER, TRIPS_HEADER, parse
from tests.accounts.helpers import make_user, sign_in
from tests.cart.helpers import add

pytestmark = pytest.mark.django_db(transaction=True)
REDIS_ON_A_READ = {"cookie": 0, "db": 0, "redis": 1, "redis_db": 1, "memory": 0, "file": 0}
LOCKED_CHANGES = ("db", "redis_db")  # a change runs in one transaction


@pytest.fixture
def shopper(session_backend, make_product):
    """A signed-in shopper with a cart line, behind the counting middleware."""
    middleware = ["bench.round_trips.CountingMiddleware", *settings.MIDDLEWARE]
    with override_settings(MIDDLEWARE=middleware):
        client = Client()
        make_user("ada")
        sign_in(client, "ada")
        jam = make_product()
        add(client, jam, "1")
        client.get("/cart/")
        yield client, jam


def counted(request) -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as queries:
        response = request()
    # Django logs the BEGIN and COMMIT it sends around a transaction among the queries.
    statements = [q for q in queries.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")]
    return parse(response[TRIPS_HEADER]), len(statements)


def test_a_read_is_counted_as_the_tests_count_it(shopper, session_backend):
    client, _ = shopper
    trips, queries = counted(lambda: client.get("/cart/", headers={COUNT_HEADER: "1"}))
    assert trips == {"sql": queries, "transactions": 0, "redis": REDIS_ON_A_READ[session_backend]}


def test_a_write_is_counted_with_its_transaction(shopper, session_backend):
    client, jam = shopper
    trips, queries = counted(
        lambda: client.post(
            f"/cart/update/{jam.id}/", {"quantity": "2"}, headers={COUNT_HEADER: "1"}
        )
    )
    assert trips["sql"] == queries
    assert trips["transactions"] == (
        1 if session_backend in LOCKED_CHANGES else trips["transactions"]
    )
    assert trips["transactions"] >= 1  # the saved cart is written in a transaction everywhere


def test_other_requests_are_not_counted(shopper):
    client, _ = shopper
    assert TRIPS_HEADER not in client.get("/cart/")

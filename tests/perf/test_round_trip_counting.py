"""The benchmark's server-side count of round trips agrees with the tests' own count."""

import pytest
from django.conf import settings
from django.test import override_settings

from tests.accounts.helpers import make_user, sign_in
from tests.cart.helpers import add
from tests.perf.round_trips import COUNT_HEADER, TRIPS_HEADER, parse

pytestmark = pytest.mark.django_db(transaction=True)
EXPECTED_REDIS = {"cookie": 0, "db": 0, "redis": 1, "redis_db": 1}  # for the cart page


@pytest.fixture
def counting(session_backend):
    middleware = ["tests.perf.round_trips.CountingMiddleware", *settings.MIDDLEWARE]
    with override_settings(MIDDLEWARE=middleware):
        yield session_backend


def test_a_request_that_asks_is_counted(counting, make_product, django_assert_num_queries):
    from django.test import Client

    client = Client()
    make_user("ada")
    sign_in(client, "ada")
    add(client, make_product(), "1")
    client.get("/cart/")
    response = client.get("/cart/", headers={COUNT_HEADER: "1"})
    trips = parse(response[TRIPS_HEADER])
    assert trips["redis"] == EXPECTED_REDIS[counting]
    assert trips["sql"] >= 2  # the user, the cart's products
    assert trips["transactions"] == 0  # a read commits nothing


def test_other_requests_are_not_counted(counting):
    from django.test import Client

    response = Client().get("/cart/")
    assert TRIPS_HEADER not in response

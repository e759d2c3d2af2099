"""Who sees which order: its owner, or the session a guest placed it in; 404 for anyone else."""

import pytest
from django.db import connection
from django.test import Client

from shop.orders.models import Order
from tests.accounts.helpers import make_user, sign_in
from tests.cart.helpers import add
from tests.orders.helpers import order_number, place, to_review

pytestmark = pytest.mark.django_db


def test_a_signed_in_shopper_sees_their_orders_and_no_one_elses(client, jam):
    make_user("ada")
    make_user("grace")
    sign_in(client)
    mine = [order_number(place(client, to_review(client, jam))) for _ in range(2)]
    grace = Client()
    sign_in(grace, "grace")
    theirs = order_number(place(grace, to_review(grace, jam)))

    page = client.get("/orders/").content.decode()
    assert all(number in page for number in mine)
    assert theirs not in page
    assert page.index(mine[1]) < page.index(mine[0]), "newest first"
    assert client.get(f"/orders/{mine[0]}/").status_code == 200
    assert client.get(f"/orders/{theirs}/").status_code == 404


def test_orders_follow_the_account_to_another_device(client, jam):
    make_user("ada")
    sign_in(client)
    number = order_number(place(client, to_review(client, jam)))
    phone = Client()
    sign_in(phone)
    assert number in phone.get("/orders/").content.decode()
    assert phone.get(f"/orders/{number}/").status_code == 200


def test_a_guest_sees_their_confirmation_through_their_session_only(client, jam):
    number = order_number(place(client, to_review(client, jam)))
    assert client.get(f"/orders/{number}/").status_code == 200
    assert number in client.get("/orders/").content.decode()
    assert 'href="/orders/"' in client.get("/").content.decode(), "the header links to it"
    stranger = Client()
    assert stranger.get(f"/orders/{number}/").status_code == 404
    assert number not in stranger.get("/orders/").content.decode()
    make_user("ada")
    sign_in(stranger)
    assert stranger.get(f"/orders/{number}/").status_code == 404, "nor any account"


def test_a_guest_order_joins_the_account_with_its_email_when_signing_in_in_that_session(
    client, jam
):
    number = order_number(place(client, to_review(client, jam)))  # for ada@example.com
    make_user("ada")
    sign_in(client)
    assert client.get(f"/orders/{number}/").status_code == 200
    assert number in client.get("/orders/").content.decode(), "listed with the account's"
    client.post("/accounts/logout/")
    assert client.get(f"/orders/{number}/").status_code == 404, "the account's, not the browser's"
    elsewhere = Client()
    sign_in(elsewhere)
    assert number in elsewhere.get("/orders/").content.decode()


def test_a_guest_order_never_rides_into_another_persons_account(client, jam):
    """A shared computer: a guest orders, someone else signs in on it next."""
    number = order_number(place(client, to_review(client, jam)))  # for ada@example.com
    make_user("grace")
    sign_in(client, "grace")
    assert client.get(f"/orders/{number}/").status_code == 404
    assert number not in client.get("/orders/").content.decode()
    assert Order.objects.get(number=number).user is None


def test_signing_out_leaves_no_way_back_to_a_guest_order(client, jam):
    make_user("ada")
    number = order_number(place(client, to_review(client, jam)))
    sign_in(client)
    client.post("/accounts/logout/")
    assert client.get(f"/orders/{number}/").status_code == 404


@pytest.mark.parametrize(
    "number", ["nope", "0000-0000-0000", "'; DROP TABLE orders_order; --", "x" * 500, "%00"]
)
def test_an_unknown_or_malformed_number_is_a_404(client, number):
    assert client.get(f"/orders/{number}/").status_code == 404


def test_a_guest_with_no_orders_is_told_so(client):
    page = client.get("/orders/")
    assert page.status_code == 200
    assert "No orders yet" in page.content.decode()


def test_a_session_remembers_only_its_last_five_orders(client, jam):
    numbers = [order_number(place(client, to_review(client, jam))) for _ in range(6)]
    assert client.get(f"/orders/{numbers[0]}/").status_code == 404
    assert client.get(f"/orders/{numbers[-1]}/").status_code == 200
    assert Order.objects.count() == 6


def statements(request) -> int:
    """How many SQL statements `request()` sends."""
    sent = []

    def counted(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        assert request().status_code == 200
    return len(sent)


def test_the_orders_page_costs_the_same_queries_for_one_order_or_many(client, jam):
    make_user("ada")
    sign_in(client)
    place(client, to_review(client, jam))
    one = statements(lambda: client.get("/orders/"))
    for _ in range(4):
        place(client, to_review(client, jam))
    assert statements(lambda: client.get("/orders/")) == one
    assert one <= 4  # the user, the count, the page (and a register touch when due)


def test_checkout_and_order_pages_are_never_cached(client, jam):
    number = order_number(place(client, to_review(client, jam)))
    add(client, jam)
    for page in ("/checkout/address/", "/orders/", f"/orders/{number}/"):
        assert "no-store" in client.get(page)["Cache-Control"]

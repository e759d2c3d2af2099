"""One order's limits (ORDER_MAX_PER_LINE, ORDER_MAX_VALUE), on every engine: one cookieless
guest can no longer buy the whole catalogue, paid on delivery, in one order."""

from decimal import Decimal

import pytest

from cart import session_cart
from cart.session_cart import Entry
from shop.catalog.models import Product
from shop.orders.models import Order
from tests.cart.helpers import JSON, add, cart_of
from tests.orders.helpers import place, to_review

pytestmark = pytest.mark.django_db


def test_the_limits_have_safe_defaults(settings):
    assert (settings.ORDER_MAX_PER_LINE, settings.ORDER_MAX_VALUE) == (10, Decimal("500.00"))


def test_one_order_takes_at_most_so_many_of_a_product_however_much_is_in_stock(
    client, make_product
):
    honey = make_product(name="Heather Honey", stock=50)
    assert add(client, honey, "10").status_code == 302

    refused = add(client, honey, "1", **JSON)

    assert refused.status_code == 400
    assert refused.json()["error"] == (
        "You cannot add more Heather Honey. You already have 10 in your cart. "
        "One order can take at most 10."
    )
    assert cart_of(client) == {honey.id: 10}


def test_a_quantity_past_the_limit_is_said_beside_the_field(client, make_product):
    honey = make_product(name="Heather Honey", stock=50)
    response = add(client, honey, "11")
    assert response.status_code == 400
    assert response.context["form"].errors["quantity"] == [
        "You can add at most 10 more Heather Honey. One order can take at most 10."
    ]
    assert cart_of(client) == {}


def test_a_line_above_a_lowered_limit_is_lowered_and_told(client, make_product, settings):
    honey = make_product(name="Heather Honey", stock=50)
    assert add(client, honey, "8").status_code == 302
    settings.ORDER_MAX_PER_LINE = 5

    page = client.get("/cart/")

    assert "One order can take at most 5 of Heather Honey" in page.content.decode()
    assert cart_of(client) == {honey.id: 5}


def test_an_order_above_the_largest_total_cannot_be_placed_and_the_page_says_why(
    client, make_product, settings
):
    settings.ORDER_MAX_VALUE = Decimal("20.00")
    jam = make_product(name="Raspberry Jam", price="4.50", stock=10)
    review = to_review(client, jam, quantity="4")  # £18.00 and £3.95 delivery

    page = review.content.decode()
    assert "One order can come to at most £20.00, paid on delivery; this one is £21.95." in page
    assert "Place order" not in page

    refused = place(client, review)

    assert refused.status_code == 409
    assert "One order can come to at most £20.00" in refused.content.decode()
    assert Order.objects.count() == 0
    assert Product.objects.get(pk=jam.pk).stock == 10
    assert cart_of(client) == {jam.id: 4}


def test_a_guest_cannot_empty_the_catalogue_in_one_order(client, make_product):
    """The attack that found the hole: every product, as many as the cart takes."""
    products = [make_product(price="30.00", stock=99) for _ in range(20)]
    for product in products:
        assert add(client, product, "99").status_code == 400
        assert add(client, product, "10").status_code == 302
    assert set(cart_of(client).values()) == {10}
    review = to_review(client)
    assert "One order can come to at most £500.00" in review.content.decode()

    assert place(client, review).status_code == 409
    assert Order.objects.count() == 0
    assert {product.stock for product in Product.objects.all()} == {99}


def test_a_stored_cart_line_keeps_its_own_bound_whatever_the_setting(client, make_product):
    honey = make_product(stock=200)
    session = client.session
    session_cart.write(session, {honey.id: Entry(150, Decimal("6.25"))})
    session.save()
    assert session_cart.read(client.session) == {}, "past the most a line can hold: dropped"

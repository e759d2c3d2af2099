"""A shopper's steps through checkout with the test client, shared by the order tests."""

import re

from django.test import Client

from shop.orders.models import Order
from tests.cart.helpers import add

ADDRESS = {
    "full_name": "Ada Lovelace",
    "line1": "12 St James's Square",
    "line2": "",
    "city": "London",
    "postcode": "sw1y 4jh",
    "country": "GB",
    "email": "ada@example.com",
}
HIDDEN = re.compile(r'name="(token|shown)" value="([^"]*)"')


def enter_address(client, **changes):
    return client.post("/checkout/address/", {**ADDRESS, **changes})


def choose_delivery(client, method: str = "standard"):
    return client.post("/checkout/delivery/", {"method": method})


def to_review(client, *products, quantity: str = "1", delivery: str = "standard", **address):
    """Add the products, enter the address (changed as given) and delivery: the review
    page's response."""
    for product in products:
        assert add(client, product, quantity).status_code == 302
    assert enter_address(client, **address).status_code == 302
    assert choose_delivery(client, delivery).status_code == 302
    review = client.get("/checkout/review/")
    assert review.status_code == 200, review
    return review


def place_form(review) -> dict[str, str]:
    """What the review page's Place order button sends."""
    return dict(HIDDEN.findall(review.content.decode()))


def place(client, review, **extra):
    return client.post("/checkout/place/", {**place_form(review), **extra})


def order_number(response) -> str:
    assert response.status_code == 303, response.content.decode()[:500]
    match = re.fullmatch(r"/orders/([A-Z0-9-]+)/", response["Location"])
    assert match, response["Location"]
    return match.group(1)


ORDERS_ADMIN = "/admin/orders/order/"


def change_url(order) -> str:
    return f"{ORDERS_ADMIN}{order.pk}/change/"


def ship_url(order) -> str:
    return f"{ORDERS_ADMIN}{order.pk}/ship/"


def cancel_url(order) -> str:
    return f"{ORDERS_ADMIN}{order.pk}/cancel/"


def stock_of(product) -> int:
    return type(product).objects.get(pk=product.pk).stock


def buy(*products, quantity: str = "1", delivery: str = "standard", **address) -> Order:
    """A guest's order through the shop's own checkout, with the address changed as given."""
    shopper = Client()
    review = to_review(shopper, *products, quantity=quantity, delivery=delivery, **address)
    return Order.objects.get(number=order_number(place(shopper, review)))

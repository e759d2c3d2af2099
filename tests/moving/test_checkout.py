"""Checkout across a change of engine, every pair both ways: a shopper part-way through it
carries on where they were, an order is placed once however often the button is pressed,
and a guest's orders placed on the old engine stay theirs (and theirs alone)."""

from shop.orders import checkout
from shop.orders.models import Order
from shop.sessions.config import store_class
from tests.accounts.helpers import make_user, session_cookie, sign_in
from tests.cart.helpers import add, cart_of
from tests.moving.conftest import client_with
from tests.orders.helpers import choose_delivery, enter_address, order_number, place, to_review


def review_on_the_old_engine(switch, make_product, signed_in: bool = False):
    """On the old engine: a shopper at the review step with one product; cookie and page."""
    product = make_product(name="Raspberry Jam", price="4.50", stock=10)
    with switch.before():
        client = client_with("")
        if signed_in:
            assert sign_in(client).status_code == 302
        review = to_review(client, product)
        return session_cookie(client), review


def assert_lives_in_the_new_engine_only(switch, old_cookie: str, client, number: str) -> None:
    """The old store no longer holds the session; the new engine alone carries it on."""
    if not switch.share_rows:  # db and redis_db share one row: there is nothing to move
        assert not switch.old_store_holds(old_cookie)
    with switch.done():
        cookie = session_cookie(client)
        new_store = store_class(switch.new)
        if new_store.server_side:
            assert new_store().exists(cookie)
        else:
            assert new_store.could_hold(cookie)  # the signed cookie is the session itself
        again = client_with(cookie)
        assert checkout.read_orders(again.session) == [number]
        assert again.get(f"/orders/{number}/").status_code == 200


def test_a_guest_at_the_review_carries_on_and_places_the_order(switch, make_product):
    cookie, _ = review_on_the_old_engine(switch, make_product)

    with switch.after():
        client = client_with(cookie)
        start = client.get("/checkout/")
        assert (start.status_code, start["Location"]) == (302, "/checkout/review/")
        review = client.get("/checkout/review/")
        assert review.status_code == 200
        page = review.content.decode()
        assert "Ada Lovelace" in page and "SW1Y 4JH" in page  # the address was kept
        progress = checkout.read(client.session)
        assert (progress.address["city"], progress.delivery) == ("London", "standard")

        number = order_number(place(client, review))
        assert client.get(f"/orders/{number}/").status_code == 200
        assert Order.objects.count() == 1
        assert Order.objects.get().number == number
        assert cart_of(client) == {}
        assert not checkout.read(client.session).started

    assert_lives_in_the_new_engine_only(switch, cookie, client, number)


def test_a_signed_in_shopper_at_the_delivery_step_carries_on(switch, make_product):
    user = make_user()
    product = make_product()
    with switch.before():
        client = client_with("")
        assert sign_in(client).status_code == 302
        assert add(client, product).status_code == 302
        assert enter_address(client)["Location"] == "/checkout/delivery/"
        cookie = session_cookie(client)

    with switch.after():
        client = client_with(cookie)
        chosen = choose_delivery(client, "express")  # a change first: the locked read
        assert (chosen.status_code, chosen["Location"]) == (302, "/checkout/review/")
        review = client.get("/checkout/review/")
        assert review.status_code == 200 and review.context["user"] == user
        assert checkout.read(client.session).delivery == "express"
        assert "Ada Lovelace" in review.content.decode()

    if not switch.share_rows:
        assert not switch.old_store_holds(cookie)


def test_three_clicks_across_the_switch_place_one_order(switch, make_product):
    cookie, review = review_on_the_old_engine(switch, make_product)  # the page shown before

    with switch.after():
        client = client_with(cookie)
        numbers = [order_number(place(client, review)) for _ in range(3)]
        assert numbers[0] == numbers[1] == numbers[2]
        assert Order.objects.count() == 1
        assert client.get(f"/orders/{numbers[0]}/").status_code == 200
        assert cart_of(client) == {}

    assert_lives_in_the_new_engine_only(switch, cookie, client, numbers[0])


def test_a_guest_still_sees_an_order_placed_on_the_old_engine(switch, make_product):
    cookie, review = review_on_the_old_engine(switch, make_product)
    with switch.before():
        client = client_with(cookie)
        number = order_number(place(client, review))
        assert client.get(f"/orders/{number}/").status_code == 200
        cookie = session_cookie(client)

    with switch.after():
        client = client_with(cookie)
        assert client.get(f"/orders/{number}/").status_code == 200  # "orders" moved with it
        listed = client.get("/orders/")
        assert [order.number for order in listed.context["orders"]] == [number]
        assert client_with("").get(f"/orders/{number}/").status_code == 404
        stranger = client_with("")
        assert add(stranger, make_product()).status_code == 302  # a session of its own
        assert stranger.get(f"/orders/{number}/").status_code == 404

    assert_lives_in_the_new_engine_only(switch, cookie, client, number)

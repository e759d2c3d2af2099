"""Placing an order on every engine: once, all of it, at the prices the shopper saw."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client

from cart.models import SavedCart
from shop.catalog.models import Product
from shop.orders import checkout
from shop.orders.models import Order, SavedAddress
from shop.sessions.config import RATE_LIMITS_CACHE_ALIAS
from tests.accounts.helpers import field_errors, make_user, sign_in
from tests.cart.helpers import add, cart_of
from tests.orders.helpers import ADDRESS, order_number, place, place_form, to_review


def test_placing_makes_the_order_takes_the_stock_and_empties_the_cart(client, jam, tea):
    review = to_review(client, jam, tea, quantity="2")
    response = place(client, review)
    number = order_number(response)
    order = Order.objects.get(number=number)
    assert order.user is None
    assert order.email == ADDRESS["email"]
    assert (order.full_name, order.postcode, order.country) == ("Ada Lovelace", "SW1Y 4JH", "GB")
    lines = {line.product_name: (line.quantity, line.unit_price) for line in order.lines.all()}
    assert lines == {"Raspberry Jam": (2, Decimal("4.50")), "Breakfast Tea": (2, Decimal("6.25"))}
    assert order.subtotal == Decimal("21.50")
    assert order.delivery_price == Decimal("3.95")
    assert order.total == Decimal("25.45")
    assert (order.status, order.payment_method, order.payment_status) == (
        "placed",
        "on_delivery",
        "due",
    )
    assert Product.objects.get(pk=jam.pk).stock == 8
    assert cart_of(client) == {}
    assert not checkout.read(client.session).started, "the checkout ended with the order"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Thank you! Your order" in page.content.decode()
    assert "Pay £25.45 when your order arrives" in page.content.decode()


def test_the_order_is_confirmed_by_mail_once(
    client, jam, mailoutbox, django_capture_on_commit_callbacks
):
    review = to_review(client, jam)
    with django_capture_on_commit_callbacks(execute=True):
        number = order_number(place(client, review))
        place(client, review)
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [ADDRESS["email"]]
    assert number in mail.subject
    assert "1 × Raspberry Jam at £4.50: £4.50" in mail.body
    assert "SW1Y 4JH" in mail.body


def test_order_numbers_are_not_guessable(client, jam):
    numbers = set()
    for _ in range(3):
        numbers.add(order_number(place(client, to_review(client, jam))))
    assert len(numbers) == 3
    for number in numbers:
        assert len(number.replace("-", "")) == 12
    assert not any(Order.objects.filter(number=str(n)).exists() for n in range(1, 10))


def test_the_order_keeps_names_and_prices_as_they_were(client, jam):
    number = order_number(place(client, to_review(client, jam)))
    Product.objects.filter(pk=jam.pk).update(name="Plum Jam", price="9.99")
    page = client.get(f"/orders/{number}/").content.decode()
    assert "Raspberry Jam" in page and "£4.50" in page
    jam.delete()
    assert client.get(f"/orders/{number}/").status_code == 200, "a deleted product's order stays"


def test_a_triple_click_places_one_order(client, jam):
    review = to_review(client, jam)
    numbers = {order_number(place(client, review)) for _ in range(3)}
    assert len(numbers) == 1
    assert Order.objects.count() == 1
    assert Product.objects.get(pk=jam.pk).stock == 9


def test_three_clicks_sent_at_once_with_one_cookie_place_one_order(client, jam, transactional_db):
    """What a browser does when the button is pressed thrice before the first answer: three
    requests carrying the same cookie (on the cookie engine, the same checkout in each)."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    review = to_review(client, jam)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    form = place_form(review)

    def click(_: int):
        browser = Client()
        browser.cookies[settings.SESSION_COOKIE_NAME] = cookie
        try:
            response = browser.post("/checkout/place/", form)
            return response.status_code, response.get("Location")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(click, range(3)))
    assert {status for status, _ in answers} == {303}, answers
    assert len({location for _, location in answers}) == 1
    assert Order.objects.count() == 1
    assert Product.objects.get(pk=jam.pk).stock == 9


def test_a_price_change_after_the_review_is_shown_before_anything_is_placed(client, jam):
    review = to_review(client, jam)
    Product.objects.filter(pk=jam.pk).update(price="5.00")
    response = place(client, review)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Your order changed since you reviewed it" in page
    assert "£5.00" in page and "Was £4.50 when you added it" in page
    assert Order.objects.count() == 0
    assert Product.objects.get(pk=jam.pk).stock == 10

    response = place(client, response)  # the new page, but the change is not accepted
    assert response.status_code == 400
    assert "Tick this box" in field_errors(response, "accept_changes")
    assert Order.objects.count() == 0

    response = place(client, response, accept_changes="on")
    order = Order.objects.get(number=order_number(response))
    assert order.lines.get().unit_price == Decimal("5.00")


def test_a_price_change_since_the_cart_must_be_accepted(client, jam):
    add(client, jam)
    Product.objects.filter(pk=jam.pk).update(price="3.00")
    review = to_review(client)
    assert "Was £4.50 when you added it" in review.content.decode()
    assert place(client, review).status_code == 400
    assert Order.objects.count() == 0
    assert place(client, review, accept_changes="on").status_code == 303


def test_a_cart_changed_in_another_tab_is_shown_again_before_placing(client, jam, tea):
    review = to_review(client, jam)
    add(client, tea)
    response = place(client, review)
    assert response.status_code == 409
    assert "Breakfast Tea" in response.content.decode()
    assert Order.objects.count() == 0


def test_stock_gone_after_the_review_is_a_clear_sold_out(client, jam):
    review = to_review(client, jam, quantity="3")
    Product.objects.filter(pk=jam.pk).update(stock=1)
    response = place(client, review)
    assert response.status_code == 409
    assert Order.objects.count() == 0
    assert "Only 1 of Raspberry Jam left" in response.content.decode()
    assert cart_of(client) == {jam.pk: 1}, "the cart now asks for what is left"
    Product.objects.filter(pk=jam.pk).update(stock=0)
    response = place(client, response)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Raspberry Jam has sold out and was removed from your cart." in page
    assert "Nothing is left to order" in page
    assert cart_of(client) == {}
    assert Product.objects.get(pk=jam.pk).stock == 0


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"token": "x" * 22, "shown": "y"},
        {"token": "", "shown": ""},
        {"token": "\x00" * 5000},
        {"token": "\x00" * 22, "shown": "\x00"},
    ],
)
def test_a_forged_place_form_places_nothing(client, jam, form):
    to_review(client, jam)
    response = client.post("/checkout/place/", form)
    assert response.status_code == 409
    assert "earlier checkout" in response.content.decode()
    assert Order.objects.count() == 0


def test_another_sessions_token_finds_nothing(client, jam):
    number = order_number(place(client, to_review(client, jam)))
    token = Order.objects.get(number=number).checkout_token
    stranger = Client()
    add(stranger, jam)
    response = stranger.post("/checkout/place/", {"token": token, "shown": "x"})
    assert response.status_code == 302, "a stranger with no checkout goes to its first step"
    assert response["Location"] == "/checkout/address/"
    assert stranger.get(f"/orders/{number}/").status_code == 404


def test_placing_with_an_empty_cart_goes_back_to_the_cart(client, jam):
    review = to_review(client, jam)
    client.post("/cart/clear/")
    response = place(client, review)
    assert response["Location"] == "/cart/"
    assert Order.objects.count() == 0


def test_a_signed_in_order_empties_the_cart_on_every_device(session_backend, jam, tea):
    user = make_user("ada")
    laptop, phone = Client(), Client()
    sign_in(laptop)
    add(laptop, jam)
    sign_in(phone)
    add(phone, tea)  # the phone's cart: jam (merged at sign-in) and tea
    assert set(cart_of(phone)) == {jam.pk, tea.pk}
    number = order_number(place(laptop, to_review(laptop)))
    order = Order.objects.get(number=number)
    assert order.user == user
    assert order.email == "ada@example.com"
    assert SavedCart.objects.get(user=user).lines == {}
    page = phone.get("/cart/").content.decode()
    assert "placed an order from another device" in page
    assert cart_of(phone) == {}
    assert 'data-testid="cart-count">0<' in phone.get("/").content.decode()
    add(phone, tea)
    assert cart_of(phone) == {tea.pk: 1}, "what is added after the order stays"
    assert cart_of(laptop) == {}
    other = Client()
    sign_in(other)
    assert cart_of(other) == {tea.pk: 1}, "a new device gets only what came after the order"


def test_a_signed_in_order_remembers_its_address(client, jam):
    make_user("ada")
    sign_in(client)
    place(client, to_review(client, jam))
    place(client, to_review(client, jam))
    saved = SavedAddress.objects.get()
    assert saved.line1 == ADDRESS["line1"]


def test_the_checkout_fits_a_cookie_beside_a_full_cart(
    client, session_backend, make_product, settings
):
    """The largest cart the cookie engine takes, and the longest address, fit in 4 KB."""
    settings.ORDER_MAX_PER_LINE = 99  # the most a cart line can hold: the cookie's worst case
    settings.ORDER_MAX_VALUE = Decimal("9999999.99")
    add_until_full(client, make_product)
    longest = {
        "full_name": "N" * 70,
        "line1": "1" * 80,
        "line2": "2" * 80,
        "city": "C" * 50,
        "postcode": "SW1A 1AA",
        "email": ("e" * 64) + "@" + ("d" * 60 + ".") * 2 + "example.com",
    }
    response = client.post("/checkout/address/", {**ADDRESS, **longest})
    assert response.status_code == 302, response.content.decode()[:300]
    assert client.post("/checkout/delivery/", {"method": "express"}).status_code == 302
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert len(cookie.output(header="")) <= 4096
    review = client.get("/checkout/review/")
    assert order_number(place(client, review))


def add_until_full(client, make_product) -> int:
    """Add products until the cart refuses one (cookie) or 60 lines (server-side)."""
    for n in range(60):
        product = make_product(price=f"{1000 + n}.99", stock=99)
        response = add(client, product, "97")
        if response.status_code == 400:
            assert settings.SESSION_BACKEND == "cookie"
            return n
        assert response.status_code == 302
    return 60


def test_nothing_left_to_order_places_nothing(client, jam):
    review = to_review(client, jam)
    Product.objects.filter(pk=jam.pk).update(stock=0)
    response = place(client, review)
    assert response.status_code == 409
    assert Order.objects.count() == 0


def test_an_old_review_page_sent_again_shows_its_order_and_keeps_the_new_checkout(client, jam, tea):
    first = to_review(client, jam)
    number = order_number(place(client, first))
    to_review(client, tea)
    response = place(client, first)
    assert response.status_code == 303
    assert response["Location"] == f"/orders/{number}/"
    assert cart_of(client) == {tea.pk: 1}, "the new cart is kept"
    assert checkout.read(client.session).next_step == "review", "and so is the new checkout"
    assert Order.objects.count() == 1


def test_signing_in_gives_the_checkout_a_new_token(client, jam):
    """A copy of the guest's cookie from before sign-in (on the cookie engine, the whole
    session) must not reach the account's order."""
    make_user("ada")
    review = to_review(client, jam)
    before = checkout.read(client.session).token
    sign_in(client)
    assert checkout.read(client.session).token != before
    response = place(client, review)
    assert response.status_code == 409, "the page from before sign-in places nothing"
    assert "earlier checkout" in response.content.decode()
    assert Order.objects.count() == 0


def test_a_shopper_signed_out_under_a_checkout_without_email_is_asked_again(client, jam):
    user = make_user("ada")
    sign_in(client)
    to_review(client, jam)
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    response = client.get("/checkout/review/")
    assert response.status_code == 302
    assert response["Location"] == "/checkout/address/"


def test_an_account_without_email_is_asked_for_one(client, jam):
    user = make_user("ada")
    type(user).objects.filter(pk=user.pk).update(email="")
    user.addresses.create(
        full_name="Ada L", line1="1 Old Rd", city="Leeds", postcode="LS1 1AA", country="GB"
    )
    sign_in(client)
    add(client, jam)
    page = client.get("/checkout/address/").content.decode()
    assert 'name="email"' in page and "Deliver here" not in page
    saved = user.addresses.get()
    response = client.post("/checkout/address/", {"saved_address": saved.pk})
    assert response.status_code == 400
    assert checkout.read(client.session).address is None


def test_pages_other_than_the_cart_write_nothing_after_an_order_elsewhere(
    session_backend, jam, tea
):
    """The header's count reads the cart; only the cart (or a change) clears the old lines."""
    make_user("ada")
    laptop, phone = Client(), Client()
    sign_in(laptop)
    add(laptop, jam)
    sign_in(phone)
    place(laptop, to_review(laptop))
    home = phone.get("/")
    assert 'data-testid="cart-count">0<' in home.content.decode()
    assert settings.SESSION_COOKIE_NAME not in home.cookies, "a read wrote the session"
    assert "placed an order from another device" not in home.content.decode()
    assert "placed an order from another device" in phone.get("/cart/").content.decode()


def test_signing_in_again_does_not_bring_back_a_cart_an_order_emptied(session_backend, jam):
    make_user("ada")
    laptop, phone = Client(), Client()
    sign_in(laptop)
    sign_in(phone)
    add(phone, jam)
    place(laptop, to_review(laptop, jam))
    sign_in(phone)
    assert cart_of(phone) == {}


def test_placing_is_rate_limited_per_address(client, jam, settings):
    caches[RATE_LIMITS_CACHE_ALIAS].clear()
    settings.ORDER_PLACE_RATE = "2/h"
    for _ in range(2):
        order_number(place(client, to_review(client, jam)))
    response = place(client, to_review(client, jam))
    assert response.status_code == 429
    assert "Too many orders" in response.content.decode()
    assert Order.objects.count() == 2


def test_empty_posts_do_not_use_up_the_limit_of_everyone_behind_the_address(client, jam, settings):
    caches[RATE_LIMITS_CACHE_ALIAS].clear()
    settings.ORDER_PLACE_RATE = "2/h"
    stranger = Client()  # the same address: no cart, only the form's fields
    for _ in range(30):
        assert stranger.post("/checkout/place/", {"token": "x"}).status_code < 500

    assert order_number(place(client, to_review(client, jam)))
    assert Order.objects.count() == 1


def test_a_review_shown_before_the_secret_key_was_rotated_can_still_be_placed(
    client, jam, settings
):
    review = to_review(client, jam)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-" + "k" * 50

    assert order_number(place(client, review))

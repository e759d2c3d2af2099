"""Property-based attacks (hypothesis): whatever a session holds and whatever a client sends,
on every engine, no parser raises, no page answers 500, and a request that is refused
changes nothing that was stored."""

import math

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.test import Client, RequestFactory
from hypothesis import HealthCheck, example, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from cart import session_cart
from cart.forms import AddToCartForm, UpdateQuantityForm
from shop.catalog import browsing
from shop.catalog.limits import MAX_QUANTITY_PER_LINE
from shop.orders import checkout
from shop.orders.models import Order
from shop.register import rows
from shop.sessions import lifetime
from tests.cart.helpers import add, cart_of
from tests.orders.helpers import ADDRESS

pytestmark = pytest.mark.django_db

# Anything JSON can hold, and a session on any engine is JSON: what a corrupted store, an old
# version of the shop or a forger with the secret key could leave under a key.
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=25,
)
# What a browser can put in a form field or a query string: any text, NUL and surrogates
# aside (a browser sends UTF-8, which has neither).
FORM_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
EXAMPLES = examples(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PARSER_EXAMPLES = examples(max_examples=500, deadline=None)  # no I/O: cheap, so many


# Parsers of session data: each reads anything as "absent" or as a well-formed value.


SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
# Shaped like the real thing, wrong in the details.
CART_LIKE = st.dictionaries(
    st.integers().map(str) | st.text(max_size=6), st.lists(SCALARS, min_size=2, max_size=2)
)
STAMPS_LIKE = st.lists(SCALARS | st.integers(min_value=10**300).map(str), min_size=3, max_size=3)
CHECKOUT_LIKE = st.fixed_dictionaries(
    {"t": st.just("a" * 22) | st.text(max_size=30), "a": JSON_VALUES, "d": JSON_VALUES}
)


@PARSER_EXAMPLES
@given(JSON_VALUES | CART_LIKE)
@example({"1": [float("inf"), "6.25"]})
@example({"1": [2, "NaN"]})
def test_cart_entries(value):
    for product_id, entry in session_cart.read({session_cart.CART_SESSION_KEY: value}).items():
        assert isinstance(product_id, int) and 1 <= entry.quantity <= MAX_QUANTITY_PER_LINE
        assert entry.added_price.is_finite()


@PARSER_EXAMPLES
@given(JSON_VALUES | CHECKOUT_LIKE, JSON_VALUES | st.lists(st.text(max_size=16)))
def test_checkout_data_and_order_numbers(state, orders):
    session = {checkout.CHECKOUT_KEY: state, checkout.ORDERS_KEY: orders}
    progress = checkout.read(session)
    assert all(checkout.ORDER_NUMBER_SHAPE.fullmatch(n) for n in progress.orders)
    assert checkout.step_of(session) in ("", "address", "delivery", "review")


@PARSER_EXAMPLES
@given(JSON_VALUES | STAMPS_LIKE)
@example([float("nan"), 1, 1.0])
@example([1.0, 0, float("inf")])
@example(["1" + "0" * 400, 0, 1])
def test_lifetime_stamps(value):
    stamps = lifetime.read({AUTH_SESSION_KEY: "1", lifetime.LIFETIME_KEY: value})
    # A stamp that is not a finite time would make every "has it ended?" question false.
    assert stamps is None or all(
        math.isfinite(stamp) for stamp in (stamps.signed_in_at, stamps.seen_at)
    )


@PARSER_EXAMPLES
@given(JSON_VALUES | st.lists(SCALARS, min_size=3, max_size=3))
@example(["a1b2", math.inf, "fingerprint"])  # int(inf) raises OverflowError, not ValueError
def test_register_entries(value):
    entry = rows.read_entry({rows.REGISTER_SESSION_KEY: value})
    assert entry is None or isinstance(entry.public_id, str)


@PARSER_EXAMPLES
@given(st.text(max_size=200))
def test_recently_viewed_cookies(value):
    request = RequestFactory().get("/")
    request.COOKIES[browsing.cookie_name(browsing.RECENTLY_VIEWED_COOKIE)] = value
    ids = browsing.recently_viewed_ids(request)
    assert len(ids) <= browsing.RECENTLY_VIEWED_LIMIT and all(i > 0 for i in ids)


# Requests, on every engine.


def test_any_session_cookie_is_a_guest_never_a_500(session_backend):
    @EXAMPLES
    @given(st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=300))
    def check(cookie):
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie
        response = client.get("/cart/")
        assert response.status_code == 200
        assert not response.context["user"].is_authenticated

    check()


def test_any_quantity_changes_the_cart_as_the_form_reads_it_or_not_at_all(
    session_backend, make_product
):
    product = make_product(stock=50)

    @EXAMPLES
    @given(FORM_TEXT)
    def check(quantity):
        shopper = Client()
        assert add(shopper, product, "2").status_code == 302
        response = shopper.post(f"/cart/update/{product.id}/", {"quantity": quantity})
        form = UpdateQuantityForm({"quantity": quantity})
        if not form.is_valid():
            assert response.status_code == 400
            assert cart_of(shopper) == {product.id: 2}, "a refused change loses nothing"
        elif response.status_code == 302:
            wanted = form.cleaned_data["quantity"]
            assert cart_of(shopper) == ({product.id: wanted} if wanted else {})
        else:  # more than one order may take: refused, as it says
            assert response.status_code == 400 and cart_of(shopper) == {product.id: 2}

    check()


def test_any_address_is_kept_or_refused_beside_its_fields_never_a_500(
    session_backend, make_product
):
    product = make_product()

    @EXAMPLES
    @given(st.dictionaries(st.sampled_from(sorted(ADDRESS)), FORM_TEXT))
    def check(changes):
        shopper = Client()
        add(shopper, product, "1")
        assert shopper.post("/checkout/address/", ADDRESS).status_code == 302
        before = checkout.read(shopper.session).address
        response = shopper.post("/checkout/address/", {**ADDRESS, **changes})
        assert response.status_code in (302, 400)
        if response.status_code == 400:
            assert checkout.read(shopper.session).address == before, "the last good one stays"

    check()


def test_any_query_or_path_is_answered_never_with_a_500(session_backend, make_product):
    make_product()

    @EXAMPLES
    @given(FORM_TEXT, FORM_TEXT, FORM_TEXT, st.text(max_size=30))
    def check(query, sort, page, segment):
        client = Client()
        listing = client.get("/products/", {"q": query, "sort": sort, "page": page})
        assert listing.status_code == 200
        for prefix in ("/products/", "/category/", "/orders/"):
            response = client.get(prefix + segment.replace("/", "") + "/")
            assert response.status_code in (200, 301, 302, 404), (prefix, segment)

    check()


def test_any_sign_in_or_sign_up_is_refused_with_a_message_never_a_500(session_backend):
    @EXAMPLES
    @given(FORM_TEXT, FORM_TEXT, FORM_TEXT)
    def check(username, email, password):
        client = Client()
        sign_in = client.post("/accounts/login/", {"username": username, "password": password})
        assert sign_in.status_code in (200, 429)
        form = {"username": username, "email": email, "password1": password, "password2": password}
        assert client.post("/accounts/signup/", form).status_code in (200, 302, 429)

    check()


def test_a_price_in_a_stored_cart_is_never_taken_for_todays(session_backend, make_product):
    """A forged or stale price in the session only says what the line cost when added."""
    product = make_product(price="6.25")

    @EXAMPLES
    @given(st.decimals(allow_nan=True, allow_infinity=True, places=2))
    def check(price):
        shopper = Client()
        add(shopper, product, "1")
        session = shopper.session
        session[session_cart.CART_SESSION_KEY] = {str(product.id): [1, str(price)]}
        session.save()
        if settings.SESSION_BACKEND == "cookie":
            shopper.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
        response = shopper.get("/cart/summary/", HTTP_ACCEPT="application/json")
        assert response.status_code == 200
        assert [line["unit_price"] for line in response.json()["lines"]] in ([], ["6.25"])

    check()


def test_any_quantity_to_add_is_kept_as_the_form_reads_it_or_not_at_all(
    session_backend, make_product
):
    product = make_product(stock=50)

    @EXAMPLES
    @given(FORM_TEXT)
    def check(quantity):
        shopper = Client()
        response = shopper.post(f"/cart/add/{product.id}/", {"quantity": quantity})
        form = AddToCartForm({"quantity": quantity}, product=product)
        if response.status_code == 302:
            assert form.is_valid() and cart_of(shopper) == {
                product.id: form.cleaned_data["quantity"]
            }
        else:
            assert response.status_code == 400 and cart_of(shopper) == {}

    check()


def test_any_delivery_or_place_form_places_nothing_it_should_not(session_backend, make_product):
    product = make_product()

    @EXAMPLES
    @given(FORM_TEXT, FORM_TEXT, FORM_TEXT, FORM_TEXT)
    def check(method, token, shown, accept):
        shopper = Client()
        add(shopper, product, "1")
        shopper.post("/checkout/address/", ADDRESS)
        delivery = shopper.post("/checkout/delivery/", {"method": method})
        assert delivery.status_code in (302, 400)
        if delivery.status_code == 400:
            assert checkout.read(shopper.session).delivery is None
        form = {"token": token, "shown": shown, "accept_changes": accept}
        placed = shopper.post("/checkout/place/", form)
        assert placed.status_code in (302, 400, 409), placed.status_code
        assert not Order.objects.exists(), "no order without the review's own token and mark"

    check()


def test_any_password_reset_request_gets_the_same_answer_never_a_500(session_backend):
    @EXAMPLES
    @given(FORM_TEXT)
    def check(email):
        response = Client().post("/accounts/password/reset/", {"email": email})
        assert response.status_code in (200, 302, 429)

    check()

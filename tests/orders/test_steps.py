"""Each checkout step, in order, on every engine: what it asks, what it keeps, what it refuses."""

import re

import pytest

from shop.orders import checkout
from tests.accounts.helpers import field_errors, make_user, sign_in
from tests.cart.helpers import add
from tests.orders.helpers import ADDRESS, choose_delivery, enter_address, to_review


def progress(client) -> checkout.Progress:
    return checkout.read(client.session)


@pytest.mark.django_db
def test_checkout_with_an_empty_cart_goes_back_to_the_cart(client):
    for page in ("/checkout/", "/checkout/address/", "/checkout/delivery/", "/checkout/review/"):
        response = client.get(page, follow=True)
        assert response.redirect_chain[-1][0] == "/cart/"
        assert "Your cart is empty" in response.content.decode()


def test_checkout_starts_at_the_address(client, jam):
    add(client, jam)
    response = client.get("/checkout/")
    assert response["Location"] == "/checkout/address/"
    assert "Tell us where to deliver" not in client.get("/checkout/address/").content.decode()
    page = client.get("/checkout/address/").content.decode()
    for field in ("full_name", "line1", "line2", "city", "postcode", "country", "email"):
        assert f'name="{field}"' in page
    assert "Raspberry Jam" in page, "the order so far is shown beside the form"


def test_each_step_leads_to_the_next_and_is_kept_in_the_session(client, jam):
    add(client, jam, "2")
    response = enter_address(client)
    assert response["Location"] == "/checkout/delivery/"
    assert progress(client).address["postcode"] == "SW1Y 4JH"
    assert progress(client).next_step == "delivery"
    assert "£3.95" in client.get("/checkout/delivery/").content.decode()
    response = choose_delivery(client, "express")
    assert response["Location"] == "/checkout/review/"
    assert progress(client).delivery == "express"
    assert client.get("/checkout/")["Location"] == "/checkout/review/"
    review = client.get("/checkout/review/").content.decode()
    assert "Ada Lovelace" in review
    assert "United Kingdom" in review
    assert "£9.00" in review  # 2 × £4.50
    assert "£17.95" in review  # with express delivery at £8.95


@pytest.mark.parametrize("page", ["/checkout/delivery/", "/checkout/review/"])
def test_a_step_cannot_be_skipped(client, jam, page):
    add(client, jam)
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"] == "/checkout/address/"
    response = client.post("/checkout/delivery/", {"method": "express"})
    assert response["Location"] == "/checkout/address/"
    assert progress(client).delivery is None, "a skipped step's answer is not kept"


def test_the_review_needs_a_delivery_choice(client, jam):
    add(client, jam)
    enter_address(client)
    assert client.get("/checkout/review/")["Location"] == "/checkout/delivery/"


def test_going_back_keeps_what_was_entered(client, jam):
    to_review(client, jam)
    page = client.get("/checkout/address/").content.decode()
    assert 'value="Ada Lovelace"' in page
    assert 'value="SW1Y 4JH"' in page
    page = client.get("/checkout/delivery/").content.decode()
    assert re.search(r'value="standard"[^>]* checked', page)
    enter_address(client, city="Bath", postcode="BA1 1AA")
    assert progress(client).delivery == "standard", "changing the address keeps the delivery"
    assert client.get("/checkout/")["Location"] == "/checkout/review/"


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("full_name", "", "Enter your full name."),
        ("line1", "  ", "Enter your address line 1."),
        ("postcode", "12345", "Enter a postcode as written in United Kingdom."),
        ("country", "US", "Choose a country we deliver to."),
        ("email", "not-an-address", "Enter a valid email address."),
        ("city", "x" * 51, "Ensure this value has at most 50 characters"),
        ("full_name", "Ada\x00Lovelace", "Null characters are not allowed."),
        ("line2", "Flat 2\u202e", "Use letters, numbers and punctuation only."),
    ],
)
def test_a_bad_address_is_refused_beside_its_field_and_nothing_is_kept(
    client, jam, field, value, error
):
    add(client, jam)
    response = enter_address(client, **{field: value})
    assert response.status_code == 400
    assert error in field_errors(response, field)
    assert not progress(client).started


def test_a_bad_address_keeps_what_was_typed(client, jam):
    add(client, jam)
    page = enter_address(client, postcode="nowhere").content.decode()
    assert 'value="Ada Lovelace"' in page
    assert 'value="nowhere"' in page


def test_a_bad_delivery_choice_is_refused_beside_the_field(client, jam):
    add(client, jam)
    enter_address(client)
    for bad in ({"method": "teleport"}, {}):
        response = client.post("/checkout/delivery/", bad)
        assert response.status_code == 400
        assert "Choose" in response.content.decode()
        assert progress(client).delivery is None


def test_post_only_and_get_only_steps_say_so(client, jam):
    add(client, jam)
    assert client.get("/checkout/place/").status_code == 405
    assert client.post("/checkout/review/").status_code == 405
    response = client.put("/checkout/address/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"


def test_every_step_needs_the_csrf_token(csrf_client, jam):
    add(csrf_client, jam)  # the test client's add skips nothing here: it has no token either
    for page, data in [
        ("/checkout/address/", ADDRESS),
        ("/checkout/delivery/", {"method": "standard"}),
        ("/checkout/place/", {}),
    ]:
        assert csrf_client.post(page, data).status_code == 403


def test_a_signed_in_shopper_needs_no_email_and_is_offered_saved_addresses(client, jam):
    user = make_user("ada")
    user.addresses.create(
        full_name="Ada L", line1="1 Old Rd", city="Leeds", postcode="LS1 1AA", country="GB"
    )
    sign_in(client)
    add(client, jam)
    page = client.get("/checkout/address/").content.decode()
    assert 'name="email"' not in page
    assert "1 Old Rd" in page
    saved = user.addresses.get()
    response = client.post("/checkout/address/", {"saved_address": saved.pk})
    assert response["Location"] == "/checkout/delivery/"
    assert progress(client).address["line1"] == "1 Old Rd"


def test_someone_elses_saved_address_cannot_be_chosen(client, jam):
    other = make_user("grace")
    theirs = other.addresses.create(
        full_name="G", line1="2 Navy St", city="York", postcode="YO1 7HH", country="GB"
    )
    make_user("ada")
    sign_in(client)
    add(client, jam)
    response = client.post("/checkout/address/", {"saved_address": theirs.pk})
    assert response.status_code == 400
    assert "not in your address book" in response.content.decode()
    assert not progress(client).started
    assert client.post("/checkout/address/", {"saved_address": "x"}).status_code == 400


def test_signing_out_ends_the_checkout(client, jam):
    make_user("ada")
    sign_in(client)
    to_review(client, jam)
    client.post("/accounts/logout/")
    assert not progress(client).started


def test_signing_in_during_checkout_keeps_it(client, jam):
    make_user("ada")
    to_review(client, jam)
    sign_in(client)
    assert progress(client).next_step == "review"
    assert client.get("/checkout/review/").status_code == 200


def test_corrupt_checkout_data_reads_as_not_entered(client, jam):
    add(client, jam)
    session = client.session
    for garbage in (
        [1, 2],
        {"t": 5},
        {"t": "x" * 22, "a": ["too", "short"], "d": "teleport"},
        {"t": "x" * 22, "d": []},
        {"t": "x" * 22, "d": {}},
        {"t": "\x00" * 22},
    ):
        session[checkout.CHECKOUT_KEY] = garbage
        session.save()
        from django.conf import settings

        client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
        response = client.get("/checkout/")
        assert response.status_code == 302
        assert response["Location"] == "/checkout/address/"
        assert client.get("/").status_code == 200

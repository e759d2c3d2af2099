"""Removing a line names it and offers an Undo (a POST form in the message) that puts the line
back as it was, within today's stock, until the cart's next change."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cart import session_cart
from cart.models import SavedCart
from tests.cart.helpers import JSON, add, cart_of, form_to
from tests.cart.test_cookie_limit import COOKIE_LIMIT, fill_session, set_cookie_length
from tests.cart.test_sign_in_merge import sign_in
from tests.factories import make_user

CSRF_SECRET = "k" * 32


def remove(client, product, **extra):
    return client.post(f"/cart/remove/{product.id}/", follow=True, **extra)


def undo(client, product, **extra):
    return client.post("/cart/undo/", {"product": str(product.id)}, **extra)


@pytest.fixture
def tea(make_product):
    return make_product(name="Earl Grey Tea", price="6.25", stock=20)


def test_removing_names_the_line_and_offers_an_undo(client, tea):
    add(client, tea, "2")
    page = remove(client, tea)
    assert page.request["PATH_INFO"] == "/cart/"
    assert "Removed 2 × Earl Grey Tea from your cart." in page.content.decode()
    form = form_to(page, "/cart/undo/")
    assert form.method == "post"
    assert form.fields["product"] == str(tea.id)
    assert form.fields["csrfmiddlewaretoken"]
    assert form.buttons == ["Undo removing Earl Grey Tea"]  # "Undo" on screen


def test_undo_puts_the_line_back_as_it_was(client, tea, make_product):
    jam = make_product(name="Jam")
    add(client, tea, "2")
    add(client, jam, "1")
    remove(client, tea)
    tea.price = Decimal("7.00")
    tea.save()
    page = undo(client, tea, follow=True)
    assert page.request["PATH_INFO"] == "/cart/"
    text = page.content.decode()
    assert "Put back 2 × Earl Grey Tea in your cart." in text
    assert "Price went up from £6.25 since you added it." in text  # the line as it was
    assert cart_of(client) == {tea.id: 2, jam.id: 1}
    assert "/cart/undo/" not in text, "the undo is spent"


def test_setting_a_quantity_of_zero_offers_the_undo_too(client, tea):
    add(client, tea, "3")
    page = client.post(f"/cart/update/{tea.id}/", {"quantity": "0"}, follow=True)
    assert "Removed 3 × Earl Grey Tea from your cart." in page.content.decode()
    undo(client, tea)
    assert cart_of(client) == {tea.id: 3}


@pytest.mark.parametrize(
    "change",
    [
        lambda client, jam: add(client, jam, "1"),
        lambda client, jam: client.post(f"/cart/update/{jam.id}/", {"quantity": "4"}),
        lambda client, jam: client.post("/cart/clear/"),
    ],
    ids=["add", "update", "clear"],
)
def test_undo_after_another_change_does_nothing_harmful(client, tea, make_product, change):
    jam = make_product(name="Jam")
    add(client, jam, "2")
    add(client, tea, "2")
    remove(client, tea)
    change(client, jam)
    before = cart_of(client)
    page = undo(client, tea, follow=True)
    assert page.request["PATH_INFO"] == "/cart/"
    assert "There is nothing to undo: your cart has changed since." in page.content.decode()
    assert cart_of(client) == before


def test_a_spent_or_stale_undo_is_a_409_in_json(client, tea):
    add(client, tea, "2")
    remove(client, tea)
    assert undo(client, tea, **JSON).status_code == 200
    response = undo(client, tea, **JSON)
    assert response.status_code == 409
    assert response.json() == {"error": "There is nothing to undo: your cart has changed since."}
    assert cart_of(client) == {tea.id: 2}


def test_undo_respects_todays_stock(client, tea):
    add(client, tea, "5")
    remove(client, tea)
    tea.stock = 3
    tea.save()
    text = undo(client, tea, follow=True).content.decode()
    assert "Put back 3 × Earl Grey Tea in your cart." in text
    assert "Only 3 of Earl Grey Tea left: we lowered your quantity." in text
    assert cart_of(client) == {tea.id: 3}


def test_a_line_that_sold_out_meanwhile_cannot_be_put_back(client, tea):
    add(client, tea, "2")
    remove(client, tea)
    tea.stock = 0
    tea.save()
    text = undo(client, tea, follow=True).content.decode()
    assert "Earl Grey Tea has sold out since: it cannot be put back in your cart." in text
    assert cart_of(client) == {}
    assert session_cart.UNDO_KEY not in client.session, "not offered again"


def test_undo_needs_a_line_named_and_post_and_csrf(csrf_client, tea):
    csrf_client.cookies["csrftoken"] = CSRF_SECRET
    token = {"csrfmiddlewaretoken": CSRF_SECRET}
    csrf_client.post(f"/cart/add/{tea.id}/", {"quantity": "2", **token})
    csrf_client.post(f"/cart/remove/{tea.id}/", token)
    assert csrf_client.post("/cart/undo/", {"product": str(tea.id)}).status_code == 403
    assert csrf_client.get("/cart/undo/").status_code == 405
    refused = csrf_client.post("/cart/undo/", {"product": "tea", **token})
    assert refused.status_code == 400
    assert "this form did not say which" in refused.content.decode()
    assert cart_of(csrf_client) == {}
    csrf_client.post("/cart/undo/", {"product": str(tea.id), **token})
    assert cart_of(csrf_client) == {tea.id: 2}, "the refused attempts spent nothing"


def test_a_signed_in_undo_reaches_the_saved_cart(client, tea):
    make_user()
    sign_in(client)
    add(client, tea, "2")
    remove(client, tea)
    assert SavedCart.objects.get().lines == {}
    undo(client, tea)
    assert SavedCart.objects.get().lines == {str(tea.id): [2, "6.25"]}


SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(SCALARS | st.lists(SCALARS, max_size=2), min_size=3, max_size=3)
    | st.lists(SCALARS, max_size=4)
    | st.dictionaries(st.text(max_size=4), SCALARS)
    | SCALARS
)
def test_a_malformed_undo_in_the_session_is_no_undo_never_an_error(value):
    removed = session_cart.removed_line({session_cart.UNDO_KEY: value})
    assert removed is None or removed[1].quantity >= 1


def test_removing_from_a_full_cookie_cart_keeps_within_4096_bytes(client, session_backend, tea):
    """The undo takes room only where the cookie has it: the removal itself is never refused."""
    add(client, tea, "1")  # the session's first-visit bookkeeping, before it is filled
    entries = fill_session(client)
    removed = next(iter(entries))
    response = client.post(f"/cart/remove/{removed}/")
    assert response.status_code == 302
    assert set(cart_of(client)) == set(entries) - {removed}
    if session_backend == "cookie":
        assert set_cookie_length(response) <= COOKIE_LIMIT

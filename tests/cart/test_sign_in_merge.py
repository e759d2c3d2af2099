from django.test import Client

from cart.models import SavedCart
from tests.cart.helpers import add, cart_of
from tests.factories import PASSWORD, make_user


def sign_in(client, username="ada"):
    return client.post(
        "/accounts/login/", {"username": username, "password": PASSWORD}, follow=True
    )


def test_a_guest_cart_survives_sign_in(client, make_product):
    make_user()
    tea = make_product()
    add(client, tea, "2")
    sign_in(client)
    assert cart_of(client) == {tea.id: 2}
    assert "_auth_user_id" in client.session


def test_a_guest_cart_survives_signing_in_as_someone_who_has_ordered_before(client, make_product):
    """Their earlier orders emptied their carts of then, never a cart put together since."""
    from django.contrib.auth import get_user_model

    make_user()
    get_user_model().objects.filter(username="ada").update(cart_generation=3)
    tea = make_product()
    add(client, tea, "2")
    page = sign_in(client).content.decode()
    assert cart_of(client) == {tea.id: 2}
    assert "placed an order from another device" not in page


def test_a_signed_in_cart_follows_the_user_to_another_device(client, session_backend, make_product):
    make_user()
    tea, jam = make_product(), make_product()
    sign_in(client)
    add(client, tea, "2")
    other_device = Client()
    add(other_device, jam, "1")
    response = sign_in(other_device)
    assert cart_of(other_device) == {tea.id: 2, jam.id: 1}
    assert "We added 2 items from your saved cart." in response.content.decode()


def test_merging_adds_quantities_of_the_same_product(client, make_product):
    user = make_user()
    tea = make_product()
    SavedCart.objects.create(user=user, lines={str(tea.id): [3, "6.25"]})
    add(client, tea, "1")
    sign_in(client)
    assert cart_of(client) == {tea.id: 4}


def test_changes_on_one_device_keep_the_other_devices_lines(client, make_product):
    user = make_user()
    tea, jam = make_product(), make_product()
    SavedCart.objects.create(user=user, lines={str(jam.id): [1, "6.25"]})
    sign_in(client)
    add(client, tea, "1")
    client.post(f"/cart/remove/{jam.id}/")
    client.post(f"/cart/update/{tea.id}/", {"quantity": "5"})
    assert SavedCart.objects.get(user=user).lines == {str(tea.id): [5, "6.25"]}


def test_clearing_the_cart_clears_the_saved_cart(client, make_product):
    user = make_user()
    sign_in(client)
    add(client, make_product(), "1")
    client.post("/cart/clear/")
    assert SavedCart.objects.get(user=user).lines == {}


def test_signing_out_keeps_the_saved_cart_for_next_time(client, make_product):
    make_user()
    tea = make_product()
    sign_in(client)
    add(client, tea, "2")
    client.post("/accounts/logout/")
    assert cart_of(client) == {}
    sign_in(client)
    assert cart_of(client) == {tea.id: 2}


def test_a_corrupt_saved_cart_loses_nothing_else(client, make_product):
    user = make_user()
    tea = make_product()
    SavedCart.objects.create(user=user, lines={"x": "not a line", str(tea.id): [2, "6.25"]})
    sign_in(client)
    assert cart_of(client) == {tea.id: 2}

"""Sign-out is final on every engine: a copy of the cookie taken before is a guest afterwards.

On `cookie` the copy is still a validly signed session, so this is where the user row's
record of ended sessions does its work; on the others the store has lost the data.
"""

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import User
from cart.models import SavedCart
from shop.register import ending
from shop.register.models import SessionRecord
from shop.register.rows import current_public_id
from shop.sessions import lifetime
from tests.accounts.helpers import make_user, session_cookie, sign_in, signed_in_user_id
from tests.cart.helpers import add, cart_of

pytestmark = pytest.mark.django_db


def copy_of(client: Client) -> Client:
    """Another browser holding the same cookie, as a thief's would."""
    copy = Client()
    copy.cookies[settings.SESSION_COOKIE_NAME] = session_cookie(client)
    return copy


def saved_lines(user) -> dict:
    return SavedCart.objects.get(user=user).lines


@pytest.fixture
def signed_in(client, make_product):
    """Ada signed in with one jar of jam in her cart, and two copies of her cookie."""
    user = make_user()
    sign_in(client)
    jam = make_product()
    add(client, jam, "1")
    return user, jam, copy_of(client), copy_of(client)


def test_a_copy_of_the_cookie_acts_as_the_user_until_sign_out(client, signed_in):
    user, _, copy, _ = signed_in
    assert copy.get("/accounts/sessions/").status_code == 200
    assert signed_in_user_id(copy) == str(user.pk)


def test_after_sign_out_a_copy_is_a_guest_on_a_get(client, signed_in):
    _, _, copy, _ = signed_in
    client.post("/accounts/logout/")

    response = copy.get("/accounts/sessions/")

    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert signed_in_user_id(copy) is None


def test_after_sign_out_a_copy_cannot_change_the_account_with_a_post(client, signed_in):
    user, jam, _, copy = signed_in
    before = saved_lines(user)
    client.post("/accounts/logout/")

    add(copy, jam, "3")

    assert saved_lines(user) == before  # nothing it sends reaches the account
    assert signed_in_user_id(copy) is None
    assert cart_of(copy) == {jam.id: 3}  # a guest's own cart, nothing more


def test_signing_out_another_device_reaches_copies_of_its_cookie(client, signed_in):
    _, _, copy, _ = signed_in
    other = Client()
    sign_in(other)

    other.post("/accounts/sessions/revoke-others/")

    assert copy.get("/accounts/sessions/").status_code == 302
    assert client.get("/accounts/sessions/").status_code == 302
    assert signed_in_user_id(other) is not None


def test_staff_ending_all_of_a_users_sessions_reach_every_copy(client, signed_in):
    user, _, copy, _ = signed_in

    ending.end_all_sessions(user)

    assert copy.get("/accounts/sessions/").status_code == 302
    assert client.get("/accounts/sessions/").status_code == 302
    assert not SessionRecord.objects.active().filter(user=user).exists()
    sign_in(client)  # a new sign-in is not caught by the old cut-off
    assert client.get("/accounts/sessions/").status_code == 200


def test_devices_lists_only_sessions_that_can_still_be_used(client, signed_in):
    user, *_ = signed_in
    phone = Client()
    sign_in(phone)
    client.post("/accounts/logout/")

    rows = phone.get("/accounts/sessions/").context["rows"]

    assert len(rows) == 1
    assert rows[0][0].public_id == SessionRecord.objects.active().get(user=user).public_id


def test_past_the_ended_list_limit_everything_signed_in_before_ends(client, monkeypatch, signed_in):
    """The list of ended sessions stays short: when it overflows, a cut-off replaces it."""
    user, _, copy, _ = signed_in
    monkeypatch.setattr(ending, "ENDED_KEPT", 2)
    for _ in range(3):
        device = Client()
        sign_in(device)
        device.post("/accounts/logout/")

    user = User.objects.get(pk=user.pk)
    assert user.sessions_valid_after is not None
    assert user.ended_sessions == {}
    assert copy.get("/accounts/sessions/").status_code == 302
    assert client.get("/accounts/sessions/").status_code == 302


def test_ended_sessions_are_forgotten_once_they_could_not_be_used_anyway(client, signed_in):
    user, *_ = signed_in
    User.objects.filter(pk=user.pk).update(ended_sessions={"long-gone": 1})
    client.post("/accounts/logout/")
    ended = User.objects.get(pk=user.pk).ended_sessions
    assert len(ended) == 1 and "long-gone" not in ended


def test_a_signed_out_copy_stays_ended_as_long_as_any_copy_could_last(client, signed_in):
    """A copy used after the original may carry later "last seen" stamps than the device
    that signed out: the entry outlives the latest end any copy could reach."""
    user, *_ = signed_in
    stamps = lifetime.read(client.session)
    public_id = current_public_id(client.session)
    client.post("/accounts/logout/")
    until = User.objects.get(pk=user.pk).ended_sessions[public_id]
    assert until >= stamps.signed_in_at + settings.SESSION_MAX_SECONDS


def test_a_device_signed_out_from_elsewhere_shows_no_cart_to_a_copy(
    client, session_backend, signed_in
):
    _, jam, copy, _ = signed_in
    if session_backend == "cookie":
        pytest.skip("a signed cookie carries its own cart: there is nothing on the server to hide")
    other = Client()
    sign_in(other)
    other.post("/accounts/sessions/revoke-others/")

    assert copy.get("/cart/summary/").json()["count"] == 0  # a page that never asks who


@pytest.mark.django_db(transaction=True)  # autocommit between statements, as in production
def test_every_way_of_ending_a_session_works_outside_a_test_transaction(session_backend):
    """A row lock taken with no transaction open fails on PostgreSQL (SQLite ignores it),
    and engines other than db and redis_db run a sign-out with none open."""
    make_user()
    phone, laptop, tablet = Client(), Client(), Client()
    for device in (phone, laptop, tablet):
        sign_in(device)
    phone_id = current_public_id(phone.session)

    assert laptop.post(f"/accounts/sessions/{phone_id}/revoke/").status_code == 302
    assert laptop.post("/accounts/sessions/revoke-others/").status_code == 302
    assert laptop.post("/accounts/logout/").status_code == 302

    assert User.objects.get().ended_sessions.keys() >= {phone_id}
    for device in (phone, laptop, tablet):
        assert device.get("/accounts/sessions/").status_code == 302  # to sign in

"""'Your devices': a user sees their sessions on any engine and ends them."""

import pytest
from django.test import Client

from shop.register.ending import ended_cookie_guests
from shop.register.models import SessionRecord
from tests.cart.helpers import add, cart_of
from tests.register.helpers import PASSWORD, make_user, record_of, sign_in

PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)
LAPTOP = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Safari/537.36"
)
pytestmark = pytest.mark.django_db

ENDED = "This session was ended from another device or by staff."


@pytest.fixture
def two_devices(client, session_backend):
    """The same user signed in on a laptop (the test's client) and a phone."""
    make_user()
    phone = Client(HTTP_USER_AGENT=PHONE, REMOTE_ADDR="198.51.100.7")
    client.defaults.update(HTTP_USER_AGENT=LAPTOP, REMOTE_ADDR="203.0.113.9")
    assert sign_in(phone).status_code == 302
    assert sign_in(client).status_code == 302
    return client, phone


def is_signed_in(client) -> bool:
    return client.get("/").wsgi_request.user.is_authenticated


def test_each_device_is_listed_and_this_one_marked(two_devices):
    laptop, phone = two_devices
    page = laptop.get("/accounts/sessions/").content.decode()
    assert "iPhone" in page and "Mobile Safari 17.1" in page and "198.51.100.7" in page
    assert "Chrome 120" in page and "203.0.113.9" in page
    current = f'data-public-id="{record_of(laptop).public_id}"'
    marked = page.split(current)[1].split("</tr>")[0]
    assert "This device" in marked
    assert page.count("This device") == 1


def test_the_page_costs_a_fixed_number_of_queries(two_devices, django_assert_max_num_queries):
    laptop, _ = two_devices
    for _ in range(5):
        sign_in(Client(HTTP_USER_AGENT=PHONE))
    with django_assert_max_num_queries(4):
        assert laptop.get("/accounts/sessions/").status_code == 200


def test_ending_another_device_signs_it_out_on_its_next_request(two_devices):
    laptop, phone = two_devices
    phone_row = record_of(phone)
    response = laptop.post(f"/accounts/sessions/{phone_row.public_id}/revoke/", follow=True)
    assert "Signed out iPhone" in response.content.decode()
    response = phone.get("/")
    assert not response.wsgi_request.user.is_authenticated
    assert ENDED in response.content.decode()
    assert is_signed_in(laptop)
    assert not SessionRecord.objects.active().filter(pk=phone_row.pk).exists()


def test_the_ended_device_can_sign_in_again(two_devices):
    laptop, phone = two_devices
    laptop.post(f"/accounts/sessions/{record_of(phone).public_id}/revoke/")
    phone.get("/")
    assert (
        phone.post("/accounts/login/", {"username": "ada", "password": PASSWORD}).status_code == 302
    )
    assert is_signed_in(phone)


def test_ending_this_device_signs_it_out(two_devices):
    laptop, phone = two_devices
    response = laptop.post(f"/accounts/sessions/{record_of(laptop).public_id}/revoke/")
    assert response.status_code == 302
    assert not is_signed_in(laptop)
    assert is_signed_in(phone)


def test_ending_all_others_keeps_this_one(two_devices):
    laptop, phone = two_devices
    tablet = Client()
    sign_in(tablet)
    response = laptop.post("/accounts/sessions/revoke-others/", follow=True)
    assert "Signed out 2 other devices." in response.content.decode()
    assert not is_signed_in(phone) and not is_signed_in(tablet)
    assert is_signed_in(laptop)


def test_ending_others_when_alone_says_so(client, session_backend):
    make_user()
    sign_in(client)
    response = client.post("/accounts/sessions/revoke-others/", follow=True)
    assert "You were not signed in anywhere else." in response.content.decode()
    assert is_signed_in(client)


def test_a_password_change_ends_the_other_devices(two_devices):
    laptop, phone = two_devices
    response = laptop.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "quince-fig-crumble-88",
            "new_password2": "quince-fig-crumble-88",
        },
        follow=True,
    )
    assert "We signed you out on 1 other device." in response.content.decode()
    assert not is_signed_in(phone)
    assert is_signed_in(laptop)


def test_someone_elses_session_is_not_found_and_stays(two_devices):
    laptop, _ = two_devices
    make_user("grace")
    other = Client()
    sign_in(other, "grace")
    response = laptop.post(f"/accounts/sessions/{record_of(other).public_id}/revoke/")
    assert response.status_code == 404
    assert is_signed_in(other)


@pytest.mark.parametrize("public_id", ["nope", "x" * 200, "%00"])
def test_unknown_ids_are_not_found(two_devices, public_id):
    laptop, phone = two_devices
    assert laptop.post(f"/accounts/sessions/{public_id}/revoke/").status_code == 404
    assert is_signed_in(phone)


def test_revoking_by_get_is_refused(two_devices):
    laptop, phone = two_devices
    public_id = record_of(phone).public_id
    assert laptop.get(f"/accounts/sessions/{public_id}/revoke/").status_code == 405
    assert laptop.get("/accounts/sessions/revoke-others/").status_code == 405
    assert is_signed_in(phone)


def test_revoking_without_a_csrf_token_is_refused(session_backend):
    make_user()
    laptop = Client(enforce_csrf_checks=True)
    phone = Client()
    laptop.get("/accounts/login/")
    token = laptop.cookies["csrftoken"].value
    laptop.post(
        "/accounts/login/", {"username": "ada", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    sign_in(phone)
    response = laptop.post(f"/accounts/sessions/{record_of(phone).public_id}/revoke/")
    assert response.status_code == 403
    assert is_signed_in(phone)


def test_guests_are_sent_to_sign_in(client, session_backend):
    response = client.post("/accounts/sessions/revoke-others/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_an_ended_guest_starts_afresh(client, session_backend, make_product):
    """Staff end a guest's session; on its next request the guest has a new, empty one."""
    from shop.register.ending import end_sessions

    add(client, make_product(), "2")
    row = record_of(client)
    ended_cookie_guests.forget()  # as in a process that has not polled yet
    end_sessions(SessionRecord.objects.filter(pk=row.pk))
    client.get("/")
    assert cart_of(client) == {}
    assert client.get("/cart/summary/").json()["count"] == 0

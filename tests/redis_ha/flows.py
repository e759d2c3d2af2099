"""The storefront's flows, in-process, on whatever Redis the settings point at: each one
asserts what a shopper would see. The topology tests run them on Sentinel and on Cluster."""

from importlib import import_module

from django.conf import settings
from django.test import Client, override_settings

from tests.cart.helpers import JSON, add, add_at_once, cart_of
from tests.register.helpers import make_user, record_of, sign_in

THREADS, ADDS_EACH = 6, 5


def is_signed_in(client: Client) -> bool:
    return client.get("/").wsgi_request.user.is_authenticated


def session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def stored(key: str) -> bool:
    return import_module(settings.SESSION_ENGINE).SessionStore().exists(key)


def cart_changes_are_kept(make_product) -> None:
    """Add, change a quantity, remove a line, clear."""
    tea, jam = make_product(), make_product()
    guest = Client()
    assert add(guest, tea, "1").status_code == 302
    assert add(guest, jam, "2").status_code == 302
    assert guest.post(f"/cart/update/{tea.id}/", {"quantity": "4"}).status_code == 302
    assert cart_of(guest) == {tea.id: 4, jam.id: 2}
    assert guest.post(f"/cart/remove/{jam.id}/").status_code == 302
    assert cart_of(guest) == {tea.id: 4}
    assert guest.post("/cart/clear/", **JSON).json()["count"] == 0
    assert cart_of(guest) == {}


def sign_in_merges_the_carts(make_product) -> None:
    """A guest's cart survives sign-in, and meets the cart the user left on another device."""
    make_user()
    tea, jam = make_product(), make_product()
    laptop, phone = Client(), Client()
    assert sign_in(laptop).status_code == 302
    add(laptop, tea, "2")
    add(phone, jam, "1")
    guest_key = session_key(phone)
    assert sign_in(phone).status_code == 302
    assert session_key(phone) != guest_key, "the key rotates at sign-in"
    assert not stored(guest_key)
    assert cart_of(phone) == {tea.id: 2, jam.id: 1}


def devices_are_listed_and_ended(make_product) -> None:
    """The devices page lists both sessions; ending the other one signs it out."""
    make_user("grace")
    laptop, phone = Client(), Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Safari/604.1")
    sign_in(laptop, "grace")
    sign_in(phone, "grace")
    page = laptop.get("/accounts/sessions/")
    assert page.status_code == 200
    assert page.content.decode().count("data-public-id=") == 2
    phone_key = session_key(phone)
    assert (
        laptop.post(f"/accounts/sessions/{record_of(phone).public_id}/revoke/").status_code == 302
    )
    assert not is_signed_in(phone)
    assert not stored(phone_key)
    assert is_signed_in(laptop)


def sign_out_ends_the_session(make_product) -> None:
    make_user("alan")
    client = Client()
    sign_in(client, "alan")
    key = session_key(client)
    assert stored(key)
    assert client.post("/accounts/logout/").status_code == 302
    assert not stored(key)
    assert not is_signed_in(client)


EVERY_FLOW = (
    cart_changes_are_kept,
    sign_in_merges_the_carts,
    devices_are_listed_and_ended,
    sign_out_ends_the_session,
)


def every_flow_works(make_product) -> None:
    for flow in EVERY_FLOW:
        flow(make_product)


def concurrent_adds_all_count(make_product) -> None:
    """Concurrent adds on one session: Django writes whole sessions, the lock keeps them all."""
    product = make_product(stock=99)
    client = Client()
    with override_settings(ORDER_MAX_PER_LINE=99):  # every add is kept: none meets the limit
        add(client, product, "1")
        codes = add_at_once(session_key(client), product, THREADS, ADDS_EACH)
    assert codes == [302] * THREADS * ADDS_EACH
    assert cart_of(client) == {product.id: 1 + THREADS * ADDS_EACH}


def healthz_is_ok() -> None:
    response = Client().get("/healthz")
    assert (response.status_code, response.json()["status"]) == (200, "ok")
    assert response.json()["sessions"] == {"backend": settings.SESSION_BACKEND, "status": "ok"}

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client

from shop.register.models import SessionRecord
from shop.register.summary import SUMMARY_CACHE_KEY
from tests.cart.helpers import add
from tests.register.helpers import (
    BROWSER,
    fast_password_hashing,  # noqa: F401  a fixture, used here by name
    make_user,
    record_of,
    sign_in,
)

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)
GUEST_IP = "203.0.113.7"
LAPTOP_IP = "198.51.100.4"
PHONE_IP = "198.51.100.5"


@pytest.fixture(autouse=True)
def fresh_summary():
    """The summary is cached for 30 s in a process-wide cache: each test starts without it."""
    cache.delete(SUMMARY_CACHE_KEY)
    yield
    cache.delete(SUMMARY_CACHE_KEY)


@pytest.fixture
def staff(session_backend, django_user_model) -> Client:
    """A superuser in the admin, whose own session is already in the register."""
    boss = django_user_model.objects.create_superuser("boss", "boss@example.com", "unused")
    client = Client()
    client.force_login(boss)
    client.get("/admin/")
    return client


@dataclass
class Shoppers:
    guest: Client
    ada_laptop: Client
    ada_phone: Client

    @property
    def guest_row(self) -> SessionRecord:
        return record_of(self.guest)

    @property
    def laptop_row(self) -> SessionRecord:
        return record_of(self.ada_laptop)

    @property
    def phone_row(self) -> SessionRecord:
        return record_of(self.ada_phone)


@pytest.fixture
def shoppers(session_backend, make_product) -> Shoppers:
    """A guest with a cart, and Ada signed in on a laptop (with a cart) and a phone."""
    jam = make_product(name="Plum jam", price="6.25")
    tea = make_product(name="Green tea", price="2.50")
    guest = Client(HTTP_USER_AGENT=IPHONE, REMOTE_ADDR=GUEST_IP)
    guest.get("/")
    add(guest, jam, "2")
    make_user("ada")
    laptop = Client(HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=LAPTOP_IP)
    phone = Client(HTTP_USER_AGENT=IPHONE, REMOTE_ADDR=PHONE_IP)
    for client in (laptop, phone):
        assert sign_in(client).status_code == 302
    add(laptop, tea, "1")
    return Shoppers(guest, laptop, phone)

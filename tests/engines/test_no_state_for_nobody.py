"""A visitor who only browses costs the server nothing: no session, no register row, no key
in Redis, no session cookie, on every engine, however many pages a cookieless bot fetches."""

import pytest
import redis
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import Client

from shop.register.models import SessionRecord
from shop.sessions import admission
from shop.sessions.config import RATE_LIMITS_CACHE_ALIAS
from tests.cart.helpers import JSON, add, cart_of
from tests.conftest import REDIS_TEST_PREFIX
from tests.services import REDIS_URL

pytestmark = pytest.mark.django_db

BOT = {"HTTP_USER_AGENT": "crawler/1.0 " + "x" * 400}


def redis_keys() -> int:
    return sum(1 for _ in redis.Redis.from_url(REDIS_URL).scan_iter(f"{REDIS_TEST_PREFIX}*"))


def pages(product, category) -> list[str]:
    return [
        "/",
        "/products/",
        "/products/?sort=price",
        "/products/?sort=-price&page=2",
        "/products/?q=jam",
        f"/products/{product.slug}/",
        f"/category/{category.slug}/",
        f"/category/{category.slug}/?sort=name",
        "/cart/",
        "/cart/summary/",
        "/checkout/",
        "/orders/",
        "/state/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password_reset/",
        "/healthz",
    ]


def test_a_cookieless_bot_leaves_nothing_behind(session_backend, make_product):
    product = make_product()
    before = (Session.objects.count(), SessionRecord.objects.count(), redis_keys())
    for _ in range(3):
        for page in pages(product, product.category):
            response = Client(**BOT).get(page)  # a new client each time: no cookie ever
            assert response.status_code < 500, page
            assert settings.SESSION_COOKIE_NAME not in response.cookies, page
    assert (Session.objects.count(), SessionRecord.objects.count(), redis_keys()) == before


def test_an_address_starts_only_so_many_sessions_a_minute(session_backend, make_product, settings):
    caches[RATE_LIMITS_CACHE_ALIAS].clear()
    settings.NEW_SESSIONS_PER_MINUTE = 3
    product = make_product()
    regular = Client()
    assert add(regular, product).status_code == 302
    for _ in range(2):
        assert add(Client(), product).status_code == 302
    rows = (Session.objects.count(), SessionRecord.objects.count(), redis_keys())

    newcomer = Client()
    refused = add(newcomer, product, **JSON)

    assert refused.status_code == 429
    assert refused.json()["error"] == admission.REFUSED
    assert settings.SESSION_COOKIE_NAME not in refused.cookies
    assert (Session.objects.count(), SessionRecord.objects.count(), redis_keys()) == rows
    assert newcomer.get(f"/products/{product.slug}/").status_code == 200, "pages still answer"
    assert add(regular, product).status_code == 302, "a visitor with a session is not counted"
    assert cart_of(regular) == {product.id: 2}

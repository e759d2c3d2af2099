"""Sessions from before keys were hashed keep working across the upgrade."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.cache import KEY_PREFIX as LEGACY_CACHE_PREFIX
from django.contrib.sessions.serializers import JSONSerializer
from django.core import signing
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, override_settings

from accounts.models import User
from shop.register.models import SessionRecord
from shop.sessions.base import digest
from shop.sessions.db import SessionStore
from tests.accounts.helpers import make_user

BEFORE = [("accounts", "0004_admin_search_indexes"), ("sessions", "0001_initial")]
RAW_KEY = "0123456789abcdefghijklmnopqrstuv"  # 32 characters, as Django makes them


def signed_in_data(user) -> dict:
    return {
        SESSION_KEY: str(user.pk),
        BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
        HASH_SESSION_KEY: user.get_session_auth_hash(),
        "cart": {"7": [2, "3.50"]},
    }


def acts_as(key: str, user) -> bool:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    response = client.get("/accounts/sessions/")
    return response.status_code == 200 and response.context["user"] == user


@pytest.mark.parametrize("session_backend", ["redis"], indirect=True)
def test_a_redis_session_under_its_raw_key_moves_under_its_digest(session_backend, db):
    user = make_user()
    cache = caches[settings.SESSION_CACHE_ALIAS]
    cache.set(LEGACY_CACHE_PREFIX + RAW_KEY, signed_in_data(user), 3600)

    assert acts_as(RAW_KEY, user)

    assert cache.get(LEGACY_CACHE_PREFIX + RAW_KEY) is None
    assert cache.get(f"session:{{{digest(RAW_KEY)}}}")["cart"] == {"7": [2, "3.50"]}


@pytest.mark.django_db(transaction=True)
@override_settings(SESSION_BACKEND="db", SESSION_ENGINE="shop.sessions.db")
def test_the_migration_hashes_stored_keys_and_keeps_ended_sessions_ended():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    user = old.get_model("accounts", "User").objects.create(
        username="ada", ended_session_ids=["x1"]
    )
    encoded = signed_in_data_encoded(user.pk)
    old.get_model("sessions", "Session").objects.create(
        session_key=RAW_KEY, session_data=encoded, expire_date=in_an_hour()
    )
    records = old.get_model("accounts", "SessionRecord").objects
    records.create(engine="db", session_key=RAW_KEY, expires_at=in_an_hour())
    # Signed out before: the row alone said so, which left a signed cookie's copies usable.
    records.create(
        engine="cookie",
        user_id=user.pk,
        public_id="out1",
        expires_at=in_an_hour(),
        ended_at=in_an_hour() - timedelta(hours=2),
    )

    call_command("migrate", verbosity=0)

    assert SessionRecord.objects.get(engine="db").key_digest == digest(RAW_KEY)
    assert {"x1", "out1"} <= set(User.objects.get().ended_sessions)
    assert acts_as(RAW_KEY, User.objects.get())


def signed_in_data_encoded(user_pk: int) -> str:
    user = User(pk=user_pk, password="")
    return SessionStore().encode(signed_in_data(user))


def in_an_hour() -> datetime:
    return datetime.fromtimestamp(time.time() + 3600, tz=UTC)


def signed_cookie_from(data: dict, seconds_ago: float) -> str:
    """A session cookie as the cookie engine signed it `seconds_ago`."""
    signer = signing.TimestampSigner(salt="django.contrib.sessions.backends.signed_cookies")
    signer.timestamp = lambda: signing.b62_encode(int(time.time() - seconds_ago))
    return signer.sign_object(data, serializer=JSONSerializer, compress=True)


@pytest.mark.parametrize("session_backend", ["cookie"], indirect=True)
def test_a_cookie_from_before_lifetimes_is_held_to_djangos_age(session_backend, db):
    user = make_user()
    assert acts_as(signed_cookie_from(signed_in_data(user), 60), user)
    assert not acts_as(signed_cookie_from(signed_in_data(user), 15 * 86400), user)
    guest = Client()
    guest.cookies[settings.SESSION_COOKIE_NAME] = signed_cookie_from(
        {"cart": {"7": [1, "2"]}}, 15 * 86400
    )
    assert guest.get("/cart/summary/").json()["count"] == 0


@pytest.mark.parametrize("session_backend", ["cookie"], indirect=True)
def test_a_cookie_from_before_lifetimes_lives_from_when_it_was_signed(session_backend, db):
    """Not from its first request after the upgrade: an old copy gets no fresh lifetime."""
    user = make_user()
    data = {**signed_in_data(user), "_session_expiry": 0}  # signed in without "remember me"
    assert not acts_as(signed_cookie_from(data, settings.SESSION_MAX_SECONDS + 60), user)

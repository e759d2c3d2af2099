"""Sessions from before keys were hashed keep working across the upgrade."""

import time
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.cache import KEY_PREFIX as LEGACY_CACHE_PREFIX
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, override_settings

from accounts.models import SessionRecord, User
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
    old.get_model("accounts", "SessionRecord").objects.create(
        engine="db", session_key=RAW_KEY, expires_at=in_an_hour()
    )

    call_command("migrate", verbosity=0)

    assert SessionRecord.objects.get().key_digest == digest(RAW_KEY)
    assert "x1" in User.objects.get().ended_sessions
    assert acts_as(RAW_KEY, User.objects.get())


def signed_in_data_encoded(user_pk: int) -> str:
    user = User(pk=user_pk, password="")
    return SessionStore().encode(signed_in_data(user))


def in_an_hour() -> datetime:
    return datetime.fromtimestamp(time.time() + 3600, tz=UTC)

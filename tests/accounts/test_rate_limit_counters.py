"""The password reset's rate-limit counters: in the database, shared, counted atomically."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.checks import run_checks
from django.db import connection, connections

from shop.sessions.config import RATE_LIMITS_CACHE_ALIAS

THREADS, INCREMENTS_EACH = 6, 10


@pytest.fixture
def counters():
    return caches[RATE_LIMITS_CACHE_ALIAS]


def expiry_of(cache_key: str):
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM shop_rate_limits WHERE cache_key = %s", [cache_key])
        return cursor.fetchone()[0]


def test_ratelimit_and_axes_find_nothing_to_warn_about():
    ours = [
        message
        for message in run_checks(include_deployment_checks=True)
        if message.id.startswith(("axes.", "django_ratelimit."))
        and message.id not in settings.SILENCED_SYSTEM_CHECKS
    ]
    assert ours == []


def test_django_ratelimit_counts_in_the_database_cache():
    assert settings.RATELIMIT_USE_CACHE == RATE_LIMITS_CACHE_ALIAS
    assert settings.CACHES[RATE_LIMITS_CACHE_ALIAS]["BACKEND"] == (
        "shop.counter_cache.DatabaseCounterCache"
    )


@pytest.mark.django_db
def test_an_increment_counts_and_keeps_the_counters_expiry(counters):
    assert counters.add("k", 1, 3600)
    before = expiry_of(counters.make_key("k"))
    assert counters.incr("k") == 2
    assert counters.incr("k", 3) == 5
    assert counters.get("k") == 5
    assert expiry_of(counters.make_key("k")) == before


@pytest.mark.django_db
def test_a_missing_or_expired_counter_cannot_be_incremented(counters):
    with pytest.raises(ValueError):
        counters.incr("missing")
    counters.set("old", 1, -1)
    with pytest.raises(ValueError):
        counters.incr("old")


def increment(key: str) -> None:
    try:
        for _ in range(INCREMENTS_EACH):
            caches[RATE_LIMITS_CACHE_ALIAS].incr(key)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_concurrent_increments_all_count(counters):
    key = f"concurrent-{uuid.uuid4().hex}"  # the table outlives this test's flush
    counters.add(key, 0, 60)
    try:
        with ThreadPoolExecutor(THREADS) as pool:
            list(pool.map(increment, [key] * THREADS))
        assert counters.get(key) == THREADS * INCREMENTS_EACH
    finally:
        counters.delete(key)

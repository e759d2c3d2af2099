import pytest
from django.core.exceptions import ImproperlyConfigured

from shop.sessions.config import SESSION_BACKENDS, session_settings

REDIS = "redis://127.0.0.1:6379/3"


@pytest.mark.parametrize(
    "backend, engine",
    [
        ("cookie", "shop.sessions.signed_cookies"),
        ("db", "shop.sessions.db"),
        ("redis", "shop.sessions.cache"),
        ("redis_db", "shop.sessions.cached_db"),
    ],
)
def test_each_backend_names_its_engine(backend, engine):
    assert session_settings(backend, REDIS)["SESSION_ENGINE"] == engine


@pytest.mark.parametrize("backend", ["redis", "redis_db"])
def test_redis_backends_get_a_json_redis_cache(backend):
    result = session_settings(backend, REDIS, key_prefix="p")
    assert result["SESSION_CACHE_ALIAS"] == "sessions"
    cache = result["CACHES"]["sessions"]
    assert cache["BACKEND"] == "django_redis.cache.RedisCache"
    assert cache["LOCATION"] == REDIS
    assert cache["KEY_PREFIX"] == "p"
    assert cache["OPTIONS"]["SERIALIZER"] == "django_redis.serializers.json.JSONSerializer"


@pytest.mark.parametrize("backend", ["cookie", "db"])
def test_other_backends_need_no_redis(backend):
    assert "sessions" not in session_settings(backend, REDIS)["CACHES"]


@pytest.mark.parametrize("backend", SESSION_BACKENDS)
def test_every_backend_counts_rate_limits_in_the_database(backend):
    # Shared by every instance and independent of Redis, whatever holds the sessions.
    cache = session_settings(backend, REDIS)["CACHES"]["rate_limits"]
    assert cache["BACKEND"] == "shop.counter_cache.DatabaseCounterCache"
    assert cache["LOCATION"] == "shop_rate_limits"


@pytest.mark.parametrize("bad", ["", "memcached", "Redis", "cookies"])
def test_an_unknown_backend_names_the_valid_values(bad):
    with pytest.raises(ImproperlyConfigured) as error:
        session_settings(bad, REDIS)
    assert "cookie, db, redis, redis_db, memory, file" in str(error.value)


def test_the_six_backends_are_the_contracts():
    assert SESSION_BACKENDS == ("cookie", "db", "redis", "redis_db", "memory", "file")


@pytest.mark.parametrize("backend", ["memory", "file", "cookie", "db"])
def test_only_memory_sessions_get_a_process_cache_and_none_need_redis(backend):
    caches = session_settings(backend, REDIS)["CACHES"]
    assert ("memory_sessions" in caches) == (backend == "memory")
    assert "sessions" not in caches


def test_moving_out_of_memory_keeps_its_cache_beside_redis():
    caches = session_settings("redis", REDIS, migrate_from="memory")["CACHES"]
    assert caches["memory_sessions"]["BACKEND"].endswith("LocMemCache")
    assert caches["sessions"]["BACKEND"] == "django_redis.cache.RedisCache"


@pytest.mark.parametrize("old", SESSION_BACKENDS)
def test_moving_sessions_in_takes_the_moving_store_and_redis_for_either_engine(old):
    new = "cookie" if old != "cookie" else "db"
    result = session_settings(new, REDIS, migrate_from=old)
    assert result["SESSION_ENGINE"] == "shop.sessions.moving"
    assert result["SESSION_MIGRATE_FROM"] == old
    assert ("sessions" in result["CACHES"]) == (old in ("redis", "redis_db"))


def test_without_moving_the_setting_is_empty():
    assert session_settings("db", REDIS)["SESSION_MIGRATE_FROM"] == ""


@pytest.mark.parametrize("bad", ["memcached", "Redis"])
def test_an_unknown_engine_to_move_from_names_the_valid_values(bad):
    with pytest.raises(ImproperlyConfigured, match="SESSION_MIGRATE_FROM=.*cookie, db, redis"):
        session_settings("db", REDIS, migrate_from=bad)


def test_moving_from_the_engine_already_in_use_is_refused():
    with pytest.raises(ImproperlyConfigured, match="names the engine sessions already live on"):
        session_settings("redis", REDIS, migrate_from="redis")

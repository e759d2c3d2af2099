"""Where sessions live: the one SESSION_BACKEND setting, turned into Django settings."""

from importlib import import_module
from typing import Any

from django.core.exceptions import ImproperlyConfigured

# Each value names a custom store that subclasses Django's engine of the same kind.
SESSION_ENGINES = {
    "cookie": "shop.sessions.signed_cookies",
    "db": "shop.sessions.db",
    "redis": "shop.sessions.cache",
    "redis_db": "shop.sessions.cached_db",
}
SESSION_BACKENDS = tuple(SESSION_ENGINES)
REDIS_BACKENDS = ("redis", "redis_db")
SESSIONS_CACHE_ALIAS = "sessions"
RATE_LIMITS_CACHE_ALIAS = "rate_limits"  # django-ratelimit's counters (RATELIMIT_USE_CACHE)


def store_class(backend: str) -> type:
    """The SessionStore class of an engine: what it can do is on the class."""
    return import_module(SESSION_ENGINES[backend]).SessionStore


def redis_cache(redis_url: str, key_prefix: str = "shop") -> dict[str, Any]:
    """A django-redis cache that fails fast, so an outage costs a second, not a hang."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": redis_url,
        "KEY_PREFIX": key_prefix,
        "OPTIONS": {
            "SERIALIZER": "django_redis.serializers.json.JSONSerializer",  # sessions are JSON only
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
        },
    }


def rate_limits_cache() -> dict[str, Any]:
    """Counters every instance shares, on every engine: in the database, which all four have
    and which survives a Redis outage. `manage.py migrate` creates its table."""
    return {
        "BACKEND": "shop.counter_cache.DatabaseCounterCache",
        "LOCATION": "shop_rate_limits",
        # Expired counters are deleted once there are more rows than this; never live ones
        # short of an attack on that many addresses within one window.
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    }


def session_settings(backend: str, redis_url: str, key_prefix: str = "shop") -> dict[str, Any]:
    """Map SESSION_BACKEND to SESSION_ENGINE, CACHES and SESSION_CACHE_ALIAS (CACHES also
    holds the rate-limit counters, the same on every engine)."""
    if backend not in SESSION_ENGINES:
        valid = ", ".join(SESSION_BACKENDS)
        raise ImproperlyConfigured(f"SESSION_BACKEND={backend!r} is not valid; use one of {valid}.")
    caches: dict[str, Any] = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        RATE_LIMITS_CACHE_ALIAS: rate_limits_cache(),
    }
    if backend in REDIS_BACKENDS:
        caches[SESSIONS_CACHE_ALIAS] = redis_cache(redis_url, key_prefix)
    return {
        "SESSION_BACKEND": backend,
        "SESSION_ENGINE": SESSION_ENGINES[backend],
        "SESSION_CACHE_ALIAS": SESSIONS_CACHE_ALIAS if backend in REDIS_BACKENDS else "default",
        "CACHES": caches,
    }

"""Where sessions live: the one SESSION_BACKEND setting, turned into Django settings."""

import re
from importlib import import_module
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Each value names a custom store that subclasses Django's engine of the same kind.
SESSION_ENGINES = {
    "cookie": "shop.sessions.signed_cookies",
    "db": "shop.sessions.db",
    "redis": "shop.sessions.cache",
    "redis_db": "shop.sessions.cached_db",
    "memory": "shop.sessions.memory",
    "file": "shop.sessions.file",
}
SESSION_BACKENDS = tuple(SESSION_ENGINES)
# With SESSION_MIGRATE_FROM set, this store moves sessions of that engine in as they arrive.
MOVING_ENGINE = "shop.sessions.moving"
REDIS_BACKENDS = ("redis", "redis_db")
SESSIONS_CACHE_ALIAS = "sessions"
MEMORY_CACHE_ALIAS = "memory_sessions"  # shop/sessions/memory.py's per-process cache
# A process keeps at most this many memory sessions; past it Django's locmem cache drops the
# least recently used tenth: memory is bounded, and a flood of sessions costs real shoppers.
MEMORY_SESSIONS_KEPT = 100_000
RATE_LIMITS_CACHE_ALIAS = "rate_limits"  # django-ratelimit's counters (RATELIMIT_USE_CACHE)


def store_class(backend: str) -> type:
    """The SessionStore class of an engine: what it can do is on the class."""
    return import_module(SESSION_ENGINES[backend]).SessionStore


# host:port, the host a name, an IPv4 address or an IPv6 address in brackets.
NODE = re.compile(r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(?P<port>[0-9]{1,5})")
NODES_EXAMPLE = "10.0.0.1:26379,10.0.0.2:26379"
CLUSTER_FACTORY = "shop.sessions.redis_cluster.ClusterConnectionFactory"
SENTINEL_FACTORY = "django_redis.pool.SentinelConnectionFactory"


def parse_nodes(name: str, value: str) -> list[tuple[str, int]]:
    """`host:port,host:port` (REDIS_SENTINELS, REDIS_CLUSTER_NODES) as (host, port) pairs."""
    nodes = []
    for item in filter(None, (part.strip() for part in value.split(","))):
        match = NODE.fullmatch(item)
        if not match or not 0 < int(match["port"]) < 65536:
            raise ImproperlyConfigured(
                f"{name} must be host:port pairs separated by commas, like {NODES_EXAMPLE}; "
                f"{item!r} is not one."
            )
        nodes.append((match["host"].strip("[]"), int(match["port"])))
    return nodes


def redis_cache(
    redis_url: str, key_prefix: str = "shop", sentinels: str = "", cluster_nodes: str = ""
) -> dict[str, Any]:
    """A django-redis cache that fails fast, so an outage costs a second, not a hang: on
    one Redis at REDIS_URL, on the primary that REDIS_SENTINELS name, or on a Redis Cluster."""
    sentinel_nodes = parse_nodes("REDIS_SENTINELS", sentinels)
    start_up_nodes = parse_nodes("REDIS_CLUSTER_NODES", cluster_nodes)
    if sentinel_nodes and start_up_nodes:
        raise ImproperlyConfigured(
            "Set REDIS_SENTINELS or REDIS_CLUSTER_NODES, not both: Sentinel watches one "
            "primary and its replicas, a cluster shards keys over several primaries."
        )
    options: dict[str, Any] = {
        "SERIALIZER": "django_redis.serializers.json.JSONSerializer",  # sessions are JSON only
        "SOCKET_CONNECT_TIMEOUT": 0.5,
        "SOCKET_TIMEOUT": 0.5,
    }
    if sentinel_nodes:
        check_service_name(redis_url)
        # Not django-redis's SentinelClient: it reads from replicas, which lag behind writes.
        options |= {"CONNECTION_FACTORY": SENTINEL_FACTORY, "SENTINELS": sentinel_nodes}
    if start_up_nodes:
        # django-redis wants a LOCATION; the cluster client starts from all the nodes.
        host, port = start_up_nodes[0]
        redis_url = f"redis://[{host}]:{port}/0" if ":" in host else f"redis://{host}:{port}/0"
        options |= {"CONNECTION_FACTORY": CLUSTER_FACTORY, "CLUSTER_NODES": start_up_nodes}
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": redis_url,
        "KEY_PREFIX": key_prefix,
        "OPTIONS": options,
    }


def check_service_name(redis_url: str) -> None:
    """With Sentinel, REDIS_URL's host is the name of the service the sentinels monitor."""
    if "," in redis_url or not urlsplit(redis_url).hostname:
        raise ImproperlyConfigured(
            f"With REDIS_SENTINELS, REDIS_URL's host names the monitored service, as in "
            f"redis://shop/0; {redis_url!r} names none."
        )


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


def session_settings(
    backend: str,
    redis_url: str,
    key_prefix: str = "shop",
    sentinels: str = "",
    cluster_nodes: str = "",
    migrate_from: str = "",
) -> dict[str, Any]:
    """Map SESSION_BACKEND (and SESSION_MIGRATE_FROM) to SESSION_ENGINE, CACHES and
    SESSION_CACHE_ALIAS (CACHES also holds the rate-limit counters, the same on every
    engine). `sentinels` and `cluster_nodes` are REDIS_SENTINELS and REDIS_CLUSTER_NODES,
    checked on every engine."""
    check_engine("SESSION_BACKEND", backend)
    if migrate_from:
        check_engine("SESSION_MIGRATE_FROM", migrate_from)
    if migrate_from == backend:
        raise ImproperlyConfigured(
            f"SESSION_MIGRATE_FROM={migrate_from!r} names the engine sessions already live on; "
            "name the engine they are moving from, or leave it empty."
        )
    sessions_cache = redis_cache(redis_url, key_prefix, sentinels, cluster_nodes)
    caches: dict[str, Any] = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        RATE_LIMITS_CACHE_ALIAS: rate_limits_cache(),
    }
    uses_redis = bool({backend, migrate_from} & set(REDIS_BACKENDS))
    if uses_redis:
        if not redis_url and not cluster_nodes:  # set empty: never a Redis nobody named
            raise ImproperlyConfigured(
                f"REDIS_URL is empty, and the {backend!r} engine keeps sessions in Redis; "
                "give it (redis://host:6379/0) or unset it for redis://127.0.0.1:6379/0."
            )
        caches[SESSIONS_CACHE_ALIAS] = sessions_cache
    if "memory" in (backend, migrate_from):
        caches[MEMORY_CACHE_ALIAS] = memory_cache()
    return {
        "SESSION_BACKEND": backend,
        "SESSION_MIGRATE_FROM": migrate_from,
        "SESSION_ENGINE": MOVING_ENGINE if migrate_from else SESSION_ENGINES[backend],
        "SESSION_CACHE_ALIAS": SESSIONS_CACHE_ALIAS if uses_redis else "default",
        "CACHES": caches,
    }


def memory_cache() -> dict[str, Any]:
    return {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "shop-memory-sessions",
        "OPTIONS": {"MAX_ENTRIES": MEMORY_SESSIONS_KEPT, "CULL_FREQUENCY": 10},
    }


def check_engine(name: str, value: str) -> None:
    if value not in SESSION_ENGINES:
        valid = ", ".join(SESSION_BACKENDS)
        raise ImproperlyConfigured(f"{name}={value!r} is not valid; use one of {valid}.")


def engines_in_use() -> tuple[str, ...]:
    """The engine sessions live on, and the one they are moving from, if any: the stores
    that can hold a live session now."""
    return tuple(filter(None, (settings.SESSION_BACKEND, settings.SESSION_MIGRATE_FROM)))

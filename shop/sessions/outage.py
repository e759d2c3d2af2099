"""A Redis outage, as the session stores see it: which errors mean one, and how each engine
copes. `redis` has nowhere else to keep a session, so it refuses changes; `redis_db` carries
on from its database through a BestEffortCache."""

import logging
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django_redis.exceptions import ConnectionInterrupted
from redis import RedisError
from redis.exceptions import RedisClusterException

logger = logging.getLogger("shop.sessions")

# django-redis wraps the client's errors in ConnectionInterrupted; its lock and a raw
# connection raise the client's own; a socket can fail below both. A Redis Cluster with no
# node left to answer raises RedisClusterException, which is no RedisError, through both.
REDIS_ERRORS = (ConnectionInterrupted, RedisError, RedisClusterException, OSError)

SESSIONS_UNAVAILABLE = "Sessions are unavailable right now; please try again in a moment."

# Cache keys whose copy in Redis may be older than the database, because a write or delete
# failed after the database changed. Deleted before this process reads Redis again.
unsynced: set[str] = set()

FAILED = object()


class SessionsUnavailable(Exception):
    """The session store cannot be reached, so a change to a session cannot be kept."""


def log_failure(action: str, error: Exception) -> None:
    logger.warning("Session cache unreachable (%s): %s", action, error)


class BestEffortCache:
    """redis_db's cache: a failed call is logged once and counts as a miss, since the
    database holds the record. After one failure the rest of the request skips Redis, so an
    outage costs a request one timeout, not one per call."""

    def __init__(self, cache: BaseCache) -> None:
        self.cache = cache
        self.down = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.cache, name)

    def get(self, key: str, default: Any = None) -> Any:
        if not self.resync():
            return default
        value = self.attempt("read", self.cache.get, key, default)
        return default if value is FAILED else value

    def __contains__(self, key: str) -> bool:
        return self.resync() and self.attempt("read", self.cache.has_key, key) is True

    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT) -> None:
        self.remember(key, self.attempt("write", self.cache.set, key, value, timeout))

    def delete(self, key: str) -> None:
        self.remember(key, self.attempt("delete", self.cache.delete, key))

    def remember(self, key: str, result: Any) -> None:
        # A write that did not happen may leave an older copy behind for a later read.
        if result is FAILED:
            unsynced.add(key)
        else:
            unsynced.discard(key)

    def resync(self) -> bool:
        """Delete copies that failed writes left behind; False while Redis cannot be reached."""
        if not unsynced:
            return not self.down
        stale = list(unsynced)
        if self.attempt("delete stale copies", self.cache.delete_many, stale) is FAILED:
            return False
        unsynced.difference_update(stale)
        return True

    def attempt(self, action: str, call: Callable, *args: Any) -> Any:
        if self.down:
            return FAILED
        try:
            return call(*args)
        except REDIS_ERRORS as error:
            log_failure(action, error)
            self.down = True
            return FAILED

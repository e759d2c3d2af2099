from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.sessions.backends.cache import KEY_PREFIX
from django.contrib.sessions.backends.cache import SessionStore as DjangoSessionStore
from django.core.cache import caches
from django_redis import get_redis_connection
from redis.exceptions import LockError
from redis.lock import Lock

from shop.sessions.base import ShopStoreMixin
from shop.sessions.outage import REDIS_ERRORS, SessionsUnavailable, log_failure

LOCK_TIMEOUT_SECONDS = 5


class SessionStore(ShopStoreMixin, DjangoSessionStore):
    """Sessions in Redis only, through django-redis. While Redis is down a visitor has no
    session: it reads as empty, nothing is written, and SessionLockMiddleware refuses changes."""

    def load(self) -> dict:
        try:
            data = self._cache.get(self.cache_key)
        except REDIS_ERRORS as error:
            data = self._unreachable("read", error)
        except Exception:
            data = None  # undecodable data: Django's own load tolerates it the same way
        if isinstance(data, dict):
            return data
        self._session_key = None  # missing, unreadable, corrupt or foreign: start a fresh one
        return {}

    def create(self) -> None:
        try:
            super().create()  # an outage is no CreateError, so it ends Django's retry loop at once
        except REDIS_ERRORS as error:
            self._unreachable("create", error)
        if self.unavailable:
            self._session_key = None

    def save(self, must_create: bool = False) -> None:
        if self.unavailable:
            return  # a session we could not read or create must not overwrite the real one
        try:
            super().save(must_create)
        except REDIS_ERRORS as error:
            self._unreachable("write", error)

    def delete(self, session_key: str | None = None) -> None:
        try:
            super().delete(session_key)
        except REDIS_ERRORS as error:
            self._unreachable("delete", error)

    def _unreachable(self, action: str, error: Exception) -> None:
        log_failure(action, error)
        self.unavailable = True

    @classmethod
    @contextmanager
    def exclusive(cls, session_key: str | None) -> Iterator[None]:
        if not session_key:
            reach_redis()  # the view would create a session: refuse now, before it runs
            yield
            return
        cache = caches[settings.SESSION_CACHE_ALIAS]
        lock = cache.lock(
            f"{KEY_PREFIX}{session_key}:lock",
            timeout=LOCK_TIMEOUT_SECONDS,
            blocking_timeout=LOCK_TIMEOUT_SECONDS,
        )
        acquire(lock)
        try:
            yield
        finally:
            release(lock)


def reach_redis() -> None:
    try:
        get_redis_connection(settings.SESSION_CACHE_ALIAS).ping()
    except REDIS_ERRORS as error:
        log_failure("ping", error)
        raise SessionsUnavailable from error


def acquire(lock: Lock) -> None:
    try:
        acquired = lock.acquire()
    except REDIS_ERRORS as error:
        log_failure("lock", error)
        raise SessionsUnavailable from error
    if not acquired:
        raise SessionsUnavailable("another request held this session for too long")


def release(lock: Lock) -> None:
    # The response is ready and the session written: a lock that cannot be released expires.
    try:
        lock.release()
    except (LockError, *REDIS_ERRORS) as error:
        log_failure("unlock", error)

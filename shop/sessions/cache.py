from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.sessions.backends.cache import KEY_PREFIX as LEGACY_KEY_PREFIX
from django.contrib.sessions.backends.cache import SessionStore as DjangoSessionStore
from django.core.cache import caches
from django_redis import get_redis_connection
from redis.exceptions import LockError
from redis.lock import Lock

from shop.sessions import lifetime
from shop.sessions.base import HashedCacheKeysMixin, ShopStoreMixin, digest
from shop.sessions.outage import REDIS_ERRORS, SessionsUnavailable, log_failure

LOCK_TIMEOUT_SECONDS = 5


class SessionStore(HashedCacheKeysMixin, ShopStoreMixin, DjangoSessionStore):
    """Sessions in Redis only, through django-redis, under the digest of their key. While
    Redis is down a visitor has no session: it reads as empty, nothing is written, and
    SessionLockMiddleware refuses changes."""

    engine = "redis"
    place = "in Redis, in memory, with an expiry"
    cache_key_prefix = "session:"

    def load(self) -> dict:
        data = self._read(self.cache_key)
        if data is None and not self.unavailable:
            data = self._adopt_legacy_entry()
        if isinstance(data, dict):
            return data
        self._session_key = None  # missing, unreadable, corrupt or foreign: start a fresh one
        return {}

    def _read(self, cache_key: str) -> object:
        try:
            return self._cache.get(cache_key)
        except REDIS_ERRORS as error:
            return self._unreachable("read", error)
        except Exception:
            return None  # undecodable data: Django's own load tolerates it the same way

    def _adopt_legacy_entry(self) -> dict | None:
        """A session stored under its raw key, as before keys were hashed: move it under
        its digest, so sessions from before the upgrade carry on. Costs a read on a miss."""
        legacy_key = LEGACY_KEY_PREFIX + self.session_key
        data = self._read(legacy_key)
        if not isinstance(data, dict):
            return None
        try:
            self._cache.set(self.cache_key, data, lifetime.store_seconds(data))
            self._cache.delete(legacy_key)
        except REDIS_ERRORS as error:
            return self._unreachable("move legacy entry", error)
        return data

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

    def exists(self, session_key: str | None) -> bool:
        return bool(session_key) and self.cache_key_of(session_key) in self._cache

    async def aexists(self, session_key: str | None) -> bool:
        return bool(session_key) and await self._cache.ahas_key(self.cache_key_of(session_key))

    def delete(self, session_key: str | None = None) -> None:
        if session_key := session_key or self.session_key:
            self.delete_stored(digest(session_key))

    async def adelete(self, session_key: str | None = None) -> None:
        if session_key := session_key or self.session_key:
            await self._cache.adelete(self.cache_key_of(session_key))

    def _unreachable(self, action: str, error: Exception) -> None:
        log_failure(action, error)
        self.unavailable = True

    @classmethod
    def read_stored(cls, key_digest: str) -> dict | None:
        try:
            data = sessions_cache().get(cls.stored_cache_key(key_digest))
        except REDIS_ERRORS as error:
            log_failure("read", error)
            return None
        return data if isinstance(data, dict) else {}

    @classmethod
    def delete_stored(cls, key_digest: str) -> None:
        try:
            sessions_cache().delete(cls.stored_cache_key(key_digest))
        except REDIS_ERRORS as error:
            log_failure("delete", error)  # it expires by its TTL; a signed-in one is ended by id

    @classmethod
    def replace_stored(cls, key_digest: str, data: dict) -> None:
        name = sessions_cache().make_key(cls.stored_cache_key(key_digest))
        try:
            client = get_redis_connection(settings.SESSION_CACHE_ALIAS)
            client.set(name, sessions_cache().client.encode(data), xx=True, keepttl=True)
        except REDIS_ERRORS as error:
            log_failure("replace", error)  # it expires by its TTL; a signed-in one is ended by id

    @classmethod
    def reachable(cls) -> bool:
        return redis_answers()

    @classmethod
    @contextmanager
    def exclusive(cls, session_key: str | None) -> Iterator[None]:
        if not session_key:
            reach_redis()  # the view would create a session: refuse now, before it runs
            yield
            return
        lock = sessions_cache().lock(
            cls.stored_cache_key(digest(session_key)) + ":lock",
            timeout=LOCK_TIMEOUT_SECONDS,
            blocking_timeout=LOCK_TIMEOUT_SECONDS,
        )
        acquire(lock)
        try:
            yield
        finally:
            release(lock)


def sessions_cache():
    return caches[settings.SESSION_CACHE_ALIAS]


def reach_redis() -> None:
    try:
        get_redis_connection(settings.SESSION_CACHE_ALIAS).ping()
    except REDIS_ERRORS as error:
        log_failure("ping", error)
        raise SessionsUnavailable from error


def redis_answers() -> bool:
    try:
        reach_redis()
    except SessionsUnavailable:
        return False
    return True


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

import functools
import time
import uuid

from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.cache import KEY_PREFIX as LEGACY_KEY_PREFIX
from django.contrib.sessions.backends.cache import SessionStore as DjangoSessionStore
from django.core.cache import caches
from django_redis import get_redis_connection
from redis.commands.core import Script

from shop.sessions import lifetime
from shop.sessions.base import HashedCacheKeysMixin, ShopStoreMixin, digest
from shop.sessions.outage import REDIS_ERRORS, SessionsUnavailable, log_failure

LOCK_TIMEOUT_SECONDS = 5
LOCK_MILLISECONDS = LOCK_TIMEOUT_SECONDS * 1000
LOCK_RETRY_SECONDS = 0.02
UNUSED_KEY = "healthz"  # never written: asking whether it exists shows the store serves keys

# One round trip each. KEYS[1] is the session's entry and KEYS[2] its lock: one hash tag,
# so one Redis Cluster slot. ARGV[1] is this request's lock token.
LOCK_AND_READ = """
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {1, redis.call('GET', KEYS[1])}
end
return {0, false}
"""
# -1: the lock was lost (the request outlived it, or a failover promoted a replica that
# never saw it), 0: the session is gone (signed out meanwhile: Django's UpdateError),
# 1: written.
WRITE_AND_UNLOCK = """
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return -1 end
redis.call('DEL', KEYS[2])
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
"""
UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class SessionStore(HashedCacheKeysMixin, ShopStoreMixin, DjangoSessionStore):
    """Sessions in Redis only, through django-redis, under the digest of their key. While
    Redis is down a visitor has no session: it reads as empty, nothing is written, and
    shop.sessions.middleware.SessionMiddleware refuses changes."""

    engine = "redis"
    place = "in Redis, in memory, with an expiry"
    cache_key_prefix = "session:"

    _lock: tuple[str, str] | None = None  # (lock key, token) while this request holds it

    def hold(self) -> None:
        if not self.session_key:
            reach_redis()  # the view would create a session: refuse now, before it runs
            return
        token = uuid.uuid4().hex
        entry, lock = self._names()
        deadline = time.monotonic() + LOCK_TIMEOUT_SECONDS
        while True:
            locked, raw = self._script(LOCK_AND_READ, [entry, lock], [token, LOCK_MILLISECONDS])
            if locked:
                break
            if time.monotonic() > deadline:
                raise SessionsUnavailable("another request held this session for too long")
            time.sleep(LOCK_RETRY_SECONDS)
        self._lock = (lock, token)
        self._session_cache = self._decoded(raw) if raw is not None else self._adopted_or_new()

    def _adopted_or_new(self) -> dict:
        data = self._adopt_legacy_entry()
        if isinstance(data, dict):
            return data
        self._session_key = None
        return {}

    def _decoded(self, raw: bytes) -> dict:
        try:
            data = sessions_cache().client.decode(raw)
        except Exception:
            data = None  # undecodable: start afresh, as load() does
        if isinstance(data, dict):
            return data
        self._session_key = None
        return {}

    def let_go(self) -> None:
        if self._lock is None:
            return
        lock, token = self._lock
        self._lock = None
        try:
            self._script(UNLOCK, [lock], [token])
        except SessionsUnavailable:
            pass  # it expires by itself

    def _names(self) -> tuple[str, str]:
        entry = sessions_cache().make_key(self.cache_key)
        return entry, entry + ":lock"

    def _script(self, source: str, keys: list[str], args: list) -> object:
        try:
            return run_script(source, keys, args)
        except REDIS_ERRORS as error:
            log_failure("script", error)
            raise SessionsUnavailable from error

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
        if self._lock and not must_create and self.session_key and self._holds_this_key():
            return self._write_and_unlock()
        self.let_go()  # a new key (after sign-in): the old one's lock goes, Django writes
        try:
            super().save(must_create)
        except REDIS_ERRORS as error:
            self._unreachable("write", error)

    def _holds_this_key(self) -> bool:
        return self._lock[0] == self._names()[1]

    def _write_and_unlock(self) -> None:
        """Write only an entry that still exists, and only under our lock, and give the lock
        up: one round trip where Django's save takes two and the unlock a third."""
        lock, token = self._lock
        self._lock = None
        value = sessions_cache().client.encode(self._get_session(no_load=True))
        args = [token, value, self.get_expiry_age()]
        try:
            written = run_script(WRITE_AND_UNLOCK, [self._names()[0], lock], args)
        except REDIS_ERRORS as error:
            return self._unreachable("write", error)
        if written == -1:  # the session is still there: the change may be sent again
            raise SessionsUnavailable("this request's hold on the session was lost")
        if written == 0:
            raise UpdateError  # signed out meanwhile: Django's answer

    def exists(self, session_key: str | None) -> bool:
        if not session_key:
            return False
        try:
            return self.cache_key_of(session_key) in self._cache
        except REDIS_ERRORS as error:
            self._unreachable("exists", error)
            return False  # as load() finds: no session while Redis is down

    def delete(self, session_key: str | None = None) -> None:
        if session_key := session_key or self.session_key:
            self.delete_stored(digest(session_key))

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


def sessions_cache():
    return caches[settings.SESSION_CACHE_ALIAS]


@functools.cache
def script(source: str) -> Script:
    """The script, known by its SHA once Redis has seen it: later calls send only the SHA."""
    return Script(None, source.encode())  # bytes: no client needed to hash it


def run_script(source: str, keys: list[str], args: list) -> object:
    client = get_redis_connection(settings.SESSION_CACHE_ALIAS)
    return script(source)(keys=keys, args=args, client=client)


def reach_redis() -> None:
    try:
        # A key, not PING: a Redis Cluster that has lost a primary answers PING and refuses keys.
        get_redis_connection(settings.SESSION_CACHE_ALIAS).exists(UNUSED_KEY)
    except REDIS_ERRORS as error:
        log_failure("probe", error)
        raise SessionsUnavailable from error


def redis_answers() -> bool:
    try:
        reach_redis()
    except SessionsUnavailable:
        return False
    return True

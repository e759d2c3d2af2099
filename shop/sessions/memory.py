"""Sessions in the memory of the process that served them (SESSION_BACKEND=memory).

Django's cache engine on a per-process cache (locmem), as many sites run it: no round trip
at all, and nothing outlives the process. No other process can read these sessions, so an
instance runs one process (threads, not workers: `refuse_second_process`), several
instances need sticky routing, and a restart or a crash signs out and empties every cart
the process held. Ending a session from elsewhere still reaches it: a signed-in one through
its user's row, a guest's through the register, polled by each process (shop/register/
ending.py), like a signed cookie's.

The one way out keeps everybody: a process that stops gracefully leaves its sessions on
the instance's disk (`hand_over`), where only a process moving sessions from `memory`
(SESSION_MIGRATE_FROM) looks for them. A plain restart finds nothing (`start_serving`
clears what an earlier process left).
"""

import atexit
import fcntl
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.cache import SessionStore as DjangoSessionStore
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured

from shop.sessions import file as on_disk
from shop.sessions import lifetime
from shop.sessions.base import HashedCacheKeysMixin, ShopStoreMixin, digest
from shop.sessions.config import MEMORY_CACHE_ALIAS
from shop.sessions.outage import SessionsUnavailable

LOCK_TIMEOUT_SECONDS = 5
# Per-session locks in a fixed set: bounded memory; two sessions sharing one wait briefly.
LOCKS = [threading.Lock() for _ in range(64)]
HANDOVER_FOLDER = "handover-from-memory"


def lock_of(key_digest: str):
    return LOCKS[int(key_digest[:8], 16) % len(LOCKS)]


class SessionStore(HashedCacheKeysMixin, ShopStoreMixin, DjangoSessionStore):
    """Django's cache store on this process's own cache, under the digest of each key."""

    engine = "memory"
    place = "in the memory of the server process that served you; a restart loses it"
    cache_key_prefix = "session-memory:"
    ended_guests_polled = True  # the process that ends a session may not be the one holding it

    _lock = None  # the lock this request holds, until its write
    _locked_digest = ""

    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self._cache = memory_cache()

    def hold(self) -> None:
        if not self.session_key:
            return  # a new session: nobody else can know its key yet
        key_digest = digest(self.session_key)
        lock = lock_of(key_digest)
        if not lock.acquire(timeout=LOCK_TIMEOUT_SECONDS):
            raise SessionsUnavailable("another request held this session for too long")
        self._lock, self._locked_digest = lock, key_digest
        self._session_cache = self.load()

    def let_go(self) -> None:
        if self._lock is not None:
            self._lock, lock = None, self._lock
            lock.release()

    def save(self, must_create: bool = False) -> None:
        held_here = self._lock is not None and self.key_digest == self._locked_digest
        try:
            if held_here and not must_create and self.cache_key not in self._cache:
                raise UpdateError  # ended meanwhile: Django's answer
            super().save(must_create)
        finally:
            self.let_go()

    # Django's versions of these go by the raw key: this store keeps digests.
    def exists(self, session_key: str | None) -> bool:
        return bool(session_key) and self.cache_key_of(session_key) in self._cache

    def delete(self, session_key: str | None = None) -> None:
        if session_key := session_key or self.session_key:
            self._cache.delete(self.cache_key_of(session_key))

    @classmethod
    def read_stored(cls, key_digest: str) -> dict | None:
        data = memory_cache().get(cls.stored_cache_key(key_digest))
        return data if isinstance(data, dict) else None  # None: maybe in another process

    @classmethod
    def delete_stored(cls, key_digest: str) -> None:
        memory_cache().delete(cls.stored_cache_key(key_digest))

    @classmethod
    def replace_stored(cls, key_digest: str, data: dict) -> None:
        # Unlocked, as on the other engines: a request holding the session may write over it,
        # and its user's row still ends it. Kept only to tell a returning visitor why.
        cache_key = cls.stored_cache_key(key_digest)
        if cache_key in memory_cache():
            memory_cache().set(cache_key, data, lifetime.ENDED_NOTICE_SECONDS)

    @classmethod
    def left_for_successor(cls) -> type:
        return HandedOver

    @classmethod
    def live_entries(cls) -> dict[str, tuple[dict, float]]:
        """{digest: (data, expires at)} of every session this process holds."""
        cache = memory_cache()
        prefix = cache.make_key(cls.cache_key_prefix)
        with cache._lock:  # locmem's own: a snapshot while requests go on
            keys = [k for k in cache._cache if k.startswith(prefix)]
            expiry = {k: cache._expire_info.get(k) for k in keys}
        now = time.time()
        entries = {}
        for full_key in keys:
            key_digest = full_key[len(prefix) :].strip("{}")
            data = cache.get(cls.stored_cache_key(key_digest))
            expires_at = expiry[full_key]
            if isinstance(data, dict) and (expires_at is None or expires_at > now):
                entries[key_digest] = (data, expires_at or now + settings.SESSION_COOKIE_AGE)
        return entries


def memory_cache():
    return caches[MEMORY_CACHE_ALIAS]


def handover_path() -> Path:
    return Path(settings.SESSION_FILE_PATH) / HANDOVER_FOLDER


class HandedOver(on_disk.SessionStore):
    """Where a process moving sessions from `memory` finds them: in this process's memory
    (sessions moved while it runs), else in what a stopped memory process left on disk."""

    engine = "memory"

    @classmethod
    def storage_path(cls) -> Path:
        return handover_path()

    def load(self) -> dict:
        live = SessionStore(self.session_key)
        return live.load() or super().load()

    def delete(self, session_key: str | None = None) -> None:
        SessionStore().delete(session_key or self.session_key)
        super().delete(session_key)


def hand_over() -> int:
    """Write this process's live sessions to the instance's disk, for a successor that
    moves them to another engine. Run at a graceful stop; a crash leaves nothing."""
    entries = SessionStore.live_entries()
    for key_digest, (data, expires_at) in entries.items():
        HandedOver.write_stored(key_digest, data, expires_at)
    return len(entries)


def start_serving() -> None:
    """At start-up of a process that keeps sessions in memory: refuse a second process on
    this instance, clear what an earlier process left, and hand over at a graceful stop."""
    refuse_second_process()
    shutil.rmtree(handover_path(), ignore_errors=True)
    atexit.register(hand_over)


SECOND_PROCESS = (
    "SESSION_BACKEND=memory keeps each session in the memory of the process that made it, "
    "and another process of this server is already serving: run one worker with threads "
    "(gunicorn --workers 1 --threads 8), or choose an engine every process can read "
    "(db, redis, redis_db, file)."
)
_claim = None  # the open lock file, held for the life of the process
# A worker replacing another (gunicorn's HUP) waits for it to finish its requests and go.
CLAIM_WAIT_SECONDS = 25


def refuse_second_process() -> None:
    """A pre-forking server starts its workers from one parent: a second worker of the same
    parent finds the parent's lock file taken, and is refused once the wait is over."""
    global _claim
    name = f"shop-memory-sessions-{os.getppid()}.lock"
    claim = open(Path(tempfile.gettempdir()) / name, "w")  # noqa: SIM115  held until exit
    deadline = time.monotonic() + CLAIM_WAIT_SECONDS
    while True:
        try:
            fcntl.flock(claim, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() > deadline:
                claim.close()
                raise ImproperlyConfigured(SECOND_PROCESS) from None
            time.sleep(0.1)
    _claim = claim

"""What the shop asks of every session store beyond Django's SessionStore contract.

Each store says what it can do (keep state on the server, be read or ended by the server,
be pinged), so the register, the admin, the health check and the commands ask the store
instead of comparing engine names.
"""

import hashlib
from contextlib import AbstractContextManager, nullcontext

from asgiref.sync import sync_to_async
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, UpdateError
from django.db import DatabaseError, router, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from shop.sessions import lifetime

KEY_CHARACTERS = frozenset(VALID_KEY_CHARS)
ABSENT = object()


def digest(session_key: str) -> str:
    """What a server-side store keeps instead of the session key, so a dump of the database
    or of Redis holds no cookie value that acts as anyone. Keys are 32 random characters
    (about 165 bits), so an unsalted hash cannot be reversed by guessing. 40 hex characters
    fit django_session's key column."""
    return hashlib.blake2b(session_key.encode(), digest_size=20).hexdigest()


class ShopStoreMixin:
    engine: str  # the SESSION_BACKEND value that selects this store
    place: str  # where the state lives, in words for people
    server_side = True  # False: the session lives only in the browser
    # True where the store carries on from its database when its cache is lost.
    survives_cache_loss = False
    # True where sessions are kept in the database (behind a cache or not).
    kept_in_database = False
    # True once the store could not be reached in this request (only `redis` ever sets it).
    unavailable = False
    # True where a guest's session may be out of reach of the process that ends it (a signed
    # cookie, or another process's memory or disk): processes poll the register for those.
    ended_guests_polled = False

    @classmethod
    def could_hold(cls, session_key: str) -> bool:
        """Whether a cookie's value has the shape of this store's keys (32 of Django's key
        characters), so a value of another engine's is not looked up here."""
        return len(session_key) == 32 and set(session_key) <= KEY_CHARACTERS

    @property
    def key_digest(self) -> str:
        """The digest this session is stored under; empty for a cookie or an unsaved session."""
        return digest(self.session_key) if self.server_side and self.session_key else ""

    def issued_at(self) -> float | None:
        """When the store says this session was last written, if it can vouch for it."""
        return None

    def get_session_cookie_age(self) -> int:
        # Called while a signed cookie is being loaded, before there is data to look at.
        return lifetime.store_seconds(getattr(self, "_session_cache", None))

    def stored_size(self) -> int:
        """Bytes the session's data takes where it is stored."""
        return len(self.encode(self._get_session())) if not self.is_empty() else 0

    def has_room(self, reserve: int = 0) -> bool:
        """Whether the current data, and `reserve` bytes more, can be stored; only a cookie
        has a hard size limit."""
        return True

    @classmethod
    def read_stored(cls, key_digest: str) -> dict | None:
        """The data stored under a digest (for staff); None where the server cannot read it."""
        return None

    @classmethod
    def delete_stored(cls, key_digest: str) -> None:
        """Delete the data stored under a digest, ending that session; a no-op for a cookie."""

    @classmethod
    def replace_stored(cls, key_digest: str, data: dict) -> None:
        """Put `data` in place of what is stored under a digest, if anything is; a no-op for
        a cookie."""

    @classmethod
    def reachable(cls) -> bool:
        """Whether the server can reach where sessions are kept (a cookie needs nothing)."""
        return True

    @classmethod
    def left_for_successor(cls) -> type:
        """The store in which a process of another engine finds this engine's sessions
        (SESSION_MIGRATE_FROM): this one, except where they die with their process."""
        return cls

    @classmethod
    def forget_cached(cls, key_digest: str) -> None:
        """Drop a cached copy of the session, where the store keeps one in front of its rows."""

    @classmethod
    def changing(cls) -> AbstractContextManager:
        """What a request that changes a session runs in (a database transaction, for
        stores that lock a row until the end of the request)."""
        return nullcontext()

    def hold(self) -> None:
        """Read the session now, and keep other requests from changing it until the write
        that ends this request, or let_go(). A signed cookie has no server copy to guard.
        Raises SessionsUnavailable when the store cannot be reached."""

    def let_go(self) -> None:
        """Give up the hold, if the write that ends the request did not."""

    # What a request that read the session without holding it (a GET) read, and under which
    # key: rebase() replays onto the stored session only what the request changed since.
    _as_read: dict | None = None
    _key_read: str | None = None

    def _get_session(self, no_load: bool = False) -> dict:
        first_read = not hasattr(self, "_session_cache")
        data = super()._get_session(no_load)
        if first_read and self.server_side and self.session_key:
            # Shallow, so it costs next to nothing: the shop replaces a key's value and never
            # changes one in place. One changed in place would read as unchanged, which can
            # lose only this request's own change, never undo another's.
            self._as_read, self._key_read = dict(data), self.session_key
        return data

    def is_new(self) -> bool:
        """Whether the request came without a live session (none, expired, ended, forged)."""
        self._get_session()
        return self.is_empty()

    # SessionBase's property holds SessionBase's own _get_session: it must reach the one above.
    _session = property(lambda self: self._get_session())

    def needs_rebase(self) -> bool:
        """Whether this request changed a stored session it read without holding it."""
        return self.modified and self._as_read is not None and self.session_key == self._key_read

    def rebase(self) -> None:
        """Hold the session, read it again, and apply what this request changed since it
        read it, key by key, where the stored value is still the one it read: a change that
        another request made meanwhile is never undone. A session ended meanwhile stays
        ended: this request's changes go with it, and its response leaves the cookie alone
        (a sign-in in another tab may have just set a new one). Runs inside changing()."""
        read, mine, session_key = self._as_read, self._session_cache, self.session_key
        self._as_read = None
        self.hold()
        if self.session_key is None:
            self._session_key, self._session_cache, self.modified = session_key, mine, False
            self.let_go()  # nothing will be written to release it
            return
        stored = self._session_cache
        for key in read.keys() | mine.keys():
            before, after = read.get(key, ABSENT), mine.get(key, ABSENT)
            if after == before or stored.get(key, ABSENT) != before:
                continue  # unchanged here, or changed by another request meanwhile
            if after is ABSENT:
                del stored[key]
            else:
                stored[key] = after


class NewKeysUnlookedMixin:
    """The shop's server-side stores take a new key without looking it up first, where
    Django does: a new session is saved with must_create (SET NX, INSERT), which refuses a
    duplicate of a 165-bit random key anyway, so the lookup only cost a round trip."""

    def _get_new_session_key(self) -> str:
        return get_random_string(32, VALID_KEY_CHARS)

    async def _aget_new_session_key(self) -> str:
        return self._get_new_session_key()


class HashedRowsMixin(NewKeysUnlookedMixin, ShopStoreMixin):
    """db and cached_db: django_session rows keyed by the key's digest, and a row lock on
    the stored session held by a transaction for changes."""

    kept_in_database = True

    def _get_session_from_db(self):
        return self._live_row(self.session_key)

    async def _aget_session_from_db(self):
        return await self._live_rows(self.session_key).afirst() or self._forget_key()

    def _live_row(self, session_key: str | None):
        return self._live_rows(session_key).first() or self._forget_key()

    def _live_rows(self, session_key: str | None):
        rows = self.model.objects.filter(
            session_key=digest(session_key or ""), expire_date__gt=timezone.now()
        )
        # Held: the row is locked by the SELECT that reads it, until the request commits.
        return rows.select_for_update() if self._held else rows

    _held = False

    @classmethod
    def changing(cls) -> AbstractContextManager:
        return transaction.atomic(using=router.db_for_write(cls.get_model_class()))

    def hold(self) -> None:
        self._held = True
        if self.session_key:  # a new session has no row to lock yet
            self._session_cache = self._load_row()

    def _load_row(self) -> dict:
        row = self._get_session_from_db()
        return self.decode(row.session_data) if row else {}

    def save(self, must_create: bool = False) -> None:
        """An existing row is written with one UPDATE: no savepoint inside the request's
        transaction (Django wraps its save in one), and no row means UpdateError as in Django."""
        if must_create or self.session_key is None:
            return super().save(must_create)
        row = self.create_model_instance(self._get_session())
        rows = self.model.objects.filter(session_key=row.session_key)
        if not rows.update(session_data=row.session_data, expire_date=row.expire_date):
            raise UpdateError

    def _forget_key(self) -> None:
        self._session_key = None  # not stored (or expired): the next save starts a new one

    def exists(self, session_key: str | None) -> bool:
        return bool(session_key) and self._rows(session_key).exists()

    async def aexists(self, session_key: str | None) -> bool:
        return bool(session_key) and await self._rows(session_key).aexists()

    def _rows(self, session_key: str):
        return self.model.objects.filter(session_key=digest(session_key))

    def create_model_instance(self, data: dict):
        row = super().create_model_instance(data)
        row.session_key = digest(row.session_key)
        return row

    async def acreate_model_instance(self, data: dict):
        row = await super().acreate_model_instance(data)
        row.session_key = digest(row.session_key)
        return row

    def delete(self, session_key: str | None = None) -> None:
        if session_key := session_key or self.session_key:
            self._rows(session_key).delete()

    async def adelete(self, session_key: str | None = None) -> None:
        if session_key := session_key or self.session_key:
            await self._rows(session_key).adelete()

    @classmethod
    def read_stored(cls, key_digest: str) -> dict | None:
        row = cls.get_model_class().objects.filter(
            session_key=key_digest, expire_date__gt=timezone.now()
        )
        row = row.first()
        return cls().decode(row.session_data) if row else {}

    @classmethod
    def delete_stored(cls, key_digest: str) -> None:
        cls.get_model_class().objects.filter(session_key=key_digest).delete()

    @classmethod
    def replace_stored(cls, key_digest: str, data: dict) -> None:
        rows = cls.get_model_class().objects.filter(session_key=key_digest)
        rows.update(session_data=cls().encode(data))

    @classmethod
    def reachable(cls) -> bool:
        try:
            cls.get_model_class().objects.filter(pk="healthz").exists()
        except DatabaseError:
            return False
        return True


class HashedCacheKeysMixin(NewKeysUnlookedMixin):
    """redis and redis_db: cache entries named by the key's digest. The digest sits in
    braces, Redis Cluster's hash tag, so a session's entry and its lock share one slot.

    Django's async methods reach the cache by paths of their own, past the outage handling
    and the digests: these run the store's own methods in a thread instead."""

    cache_key_prefix: str

    @classmethod
    def stored_cache_key(cls, key_digest: str) -> str:
        return f"{cls.cache_key_prefix}{{{key_digest}}}"

    @property
    def cache_key(self) -> str:
        return self.stored_cache_key(digest(self._get_or_create_session_key()))

    async def acache_key(self) -> str:
        return self.stored_cache_key(digest(await self._aget_or_create_session_key()))

    def cache_key_of(self, session_key: str) -> str:
        return self.stored_cache_key(digest(session_key))

    async def aload(self) -> dict:
        return await sync_to_async(self.load)()

    async def acreate(self) -> None:
        await sync_to_async(self.create)()

    async def asave(self, must_create: bool = False) -> None:
        await sync_to_async(self.save)(must_create)

    async def aexists(self, session_key: str | None) -> bool:
        return await sync_to_async(self.exists)(session_key)

    async def adelete(self, session_key: str | None = None) -> None:
        await sync_to_async(self.delete)(session_key)

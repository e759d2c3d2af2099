"""Sessions moving from one engine to another as they arrive (SESSION_MIGRATE_FROM).

A session the new engine does not know is looked for in the old one. Found there, it is
written to the new store, under the same key where both keep sessions on the server, else
under a new one the response sets, and the old copy is deleted once the new one is
committed: from then on it is an ordinary session of the new engine. Ended, expired and
signed-out sessions are not in the old store (or hold only the fact that they ended), so
they stay so; an old store that cannot be reached finds nothing, and the visitor is a guest.

A cookie the new engine knows costs nothing extra. Both stores are spoken to only through
Django's SessionStore contract (load, save, create, delete), so any pair works alike.
"""

import functools

from django.conf import settings
from django.contrib.sessions.backends.base import CreateError, SessionBase
from django.db import transaction

from shop.sessions.base import digest
from shop.sessions.config import store_class


def __getattr__(name: str) -> type:
    # Django takes SESSION_ENGINE's SessionStore when it needs one: the pair is read then.
    if name == "SessionStore":
        return moving_store(settings.SESSION_BACKEND, settings.SESSION_MIGRATE_FROM)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.cache
def moving_store(new: str, old: str) -> type[SessionBase]:
    new_store, old_store = store_class(new), store_class(old).left_for_successor()

    class MovingStore(new_store):
        # The new engine's store, taking in sessions of the old engine as they arrive.
        moving_from = old_store
        ended_guests_polled = new_store.ended_guests_polled or old_store.ended_guests_polled

        def __init__(self, session_key: str | None = None) -> None:
            super().__init__(session_key)
            self.arrived_key = session_key  # the new store forgets a key it does not hold

        def load(self) -> dict:
            return super().load() or self.move_in()

        def hold(self) -> None:
            super().hold()  # a server-side store reads the session under its lock
            if getattr(self, "_session_cache", None) == {}:
                self._session_cache = self.move_in()

        def move_in(self) -> dict:
            """The session from the old store, now in this one; {} when there is none."""
            key = self.arrived_key
            if not key or self.unavailable or not old_store.could_hold(key):
                return {}
            old_copy = old_store(key)
            data = old_copy.load()
            if not data:
                return {}
            keep_key = old_store.server_side and new_store.server_side
            new_copy = copy_into(new_store, key if keep_key else None, data)
            if new_copy.unavailable:
                self.unavailable = True  # the old copy stays for when the new store is back
                return {}
            transaction.on_commit(old_copy.delete)
            self._session_key = new_copy.session_key
            self.modified = True  # a new key, or a cookie signed anew, goes to the browser
            return data

        # db and redis_db share their rows, so nothing moves between them; but while both
        # run, a row written by db must not leave redis_db an older copy in Redis.
        if new_store.kept_in_database and old_store.kept_in_database:

            def save(self, must_create: bool = False) -> None:
                super().save(must_create)
                old_store.forget_cached(self.key_digest)

            def delete(self, session_key: str | None = None) -> None:
                super().delete(session_key)
                old_store.forget_cached(digest(session_key or self.session_key or ""))

        @classmethod
        def clear_expired(cls) -> None:
            super().clear_expired()
            old_store.clear_expired()  # sessions that never came back

    # Django salts stored data with the class's qualified name: it must stay SessionStore, or
    # the rows of the engine's own store could not be read here, nor these there.
    MovingStore.__qualname__ = new_store.__qualname__
    MovingStore.__name__ = f"SessionStore moving {old} to {new}"
    return MovingStore


def copy_into(store: type[SessionBase], key: str | None, data: dict) -> SessionBase:
    """`data` saved as a new session of `store`: under `key`, else under a fresh key."""
    copy = store(key)
    copy._session_cache = data
    if key is None:
        copy.create()
        return copy
    try:
        copy.save(must_create=True)
    except CreateError:
        pass  # a request at the same moment moved it first, from the same old copy
    return copy

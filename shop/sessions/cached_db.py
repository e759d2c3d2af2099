from django.contrib.sessions.backends.cached_db import SessionStore as DjangoSessionStore

from shop.sessions.base import HashedCacheKeysMixin, HashedRowsMixin
from shop.sessions.cache import redis_answers
from shop.sessions.outage import BestEffortCache


class SessionStore(HashedCacheKeysMixin, HashedRowsMixin, DjangoSessionStore):
    """Redis in front, the database behind, both keyed by the key's digest: locks and
    re-reads go to the database. While Redis is down, sessions are read from and written
    to the database alone."""

    engine = "redis_db"
    place = "in Redis for speed, with the database behind it as the record"
    survives_cache_loss = True
    cache_key_prefix = "session-db:"

    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self._cache = BestEffortCache(self._cache)

    def load(self) -> dict:
        data = super().load()
        if isinstance(data, dict):
            return data
        # A corrupt cached copy: the database holds the truth.
        row = self._get_session_from_db()
        return self.decode(row.session_data) if row else {}

    def save(self, must_create: bool = False) -> None:
        creating = must_create or self.session_key is None
        super().save(must_create)  # a new row: Django's cached_db save, which caches it too
        if not creating:
            self._cache.set(self.cache_key, self._session, self.get_expiry_age())

    # Django's versions of these reach the rows by the raw key: both places go by digest.
    def exists(self, session_key: str | None) -> bool:
        return bool(session_key) and (
            self.cache_key_of(session_key) in self._cache or self._rows(session_key).exists()
        )

    def delete(self, session_key: str | None = None) -> None:
        if session_key := session_key or self.session_key:
            self._rows(session_key).delete()
            self._cache.delete(self.cache_key_of(session_key))

    @classmethod
    def delete_stored(cls, key_digest: str) -> None:
        super().delete_stored(key_digest)
        cls()._cache.delete(cls.stored_cache_key(key_digest))

    @classmethod
    def replace_stored(cls, key_digest: str, data: dict) -> None:
        super().replace_stored(key_digest, data)
        cls.forget_cached(key_digest)  # the next read finds the row

    @classmethod
    def forget_cached(cls, key_digest: str) -> None:
        cls()._cache.delete(cls.stored_cache_key(key_digest))

    @classmethod
    def reachable(cls) -> bool:
        """Whether Redis answers; the database behind it is checked on its own."""
        return redis_answers()

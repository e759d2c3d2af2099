from django.contrib.sessions.backends.cached_db import SessionStore as DjangoSessionStore

from shop.sessions.base import DatabaseLockMixin
from shop.sessions.outage import BestEffortCache


class SessionStore(DatabaseLockMixin, DjangoSessionStore):
    """Redis in front, the database behind: locks and re-reads go to the database. While
    Redis is down, sessions are read from and written to the database alone."""

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

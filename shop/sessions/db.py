from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore

from shop.sessions.base import DatabaseLockMixin


class SessionStore(DatabaseLockMixin, DjangoSessionStore):
    pass

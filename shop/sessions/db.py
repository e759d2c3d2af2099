from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore

from shop.sessions.base import HashedRowsMixin


class SessionStore(HashedRowsMixin, DjangoSessionStore):
    """Sessions in the database, one django_session row each, keyed by the key's digest."""

    engine = "db"
    place = "in this shop's database, one row per session"

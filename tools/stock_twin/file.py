from django.contrib.sessions.backends.file import SessionStore as DjangoSessionStore

from shop.sessions.base import ShopStoreMixin


class SessionStore(ShopStoreMixin, DjangoSessionStore):
    """Django's file store in SESSION_FILE_PATH (a folder that must exist), files named by
    the raw key, no lock."""

    engine = "file"
    place = "on this instance's disk, a file per session (Django's own store)"

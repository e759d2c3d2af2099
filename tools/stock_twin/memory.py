from django.contrib.sessions.backends.cache import SessionStore as DjangoSessionStore

from shop.sessions.base import ShopStoreMixin


class SessionStore(ShopStoreMixin, DjangoSessionStore):
    """Django's cache store on the process's local-memory cache (SESSION_CACHE_ALIAS is
    MEMORY_CACHE_ALIAS: see tools/stock_twin/__init__.py), keyed by the raw key, no lock."""

    engine = "memory"
    place = "in the memory of the server process (Django's own cache store, on locmem)"

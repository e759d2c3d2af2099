from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.sessions.backends.cache import KEY_PREFIX
from django.contrib.sessions.backends.cache import SessionStore as DjangoSessionStore
from django.core.cache import caches

from shop.sessions.base import ShopStoreMixin

LOCK_TIMEOUT_SECONDS = 5


class SessionStore(ShopStoreMixin, DjangoSessionStore):
    """Sessions in Redis only, through django-redis."""

    def load(self) -> dict:
        data = super().load()
        if isinstance(data, dict):
            return data
        self._session_key = None  # not a session (corrupt or foreign): start a fresh one
        return {}

    @classmethod
    @contextmanager
    def exclusive(cls, session_key: str) -> Iterator[None]:
        cache = caches[settings.SESSION_CACHE_ALIAS]
        lock_key = f"{KEY_PREFIX}{session_key}:lock"
        with cache.lock(
            lock_key, timeout=LOCK_TIMEOUT_SECONDS, blocking_timeout=LOCK_TIMEOUT_SECONDS
        ):
            yield

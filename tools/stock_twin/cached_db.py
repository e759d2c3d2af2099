from django.contrib.sessions.backends.cached_db import SessionStore as DjangoSessionStore

from shop.sessions.base import ShopStoreMixin


class SessionStore(ShopStoreMixin, DjangoSessionStore):
    engine = "redis_db"
    place = "in Redis, the database behind it (Django's own store)"
    survives_cache_loss = True

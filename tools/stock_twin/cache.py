from django.contrib.sessions.backends.cache import SessionStore as DjangoSessionStore

from shop.sessions.base import ShopStoreMixin


class SessionStore(ShopStoreMixin, DjangoSessionStore):
    engine = "redis"
    place = "in Redis (Django's own store)"

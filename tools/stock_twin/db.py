from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore

from shop.sessions.base import ShopStoreMixin


class SessionStore(ShopStoreMixin, DjangoSessionStore):
    engine = "db"
    place = "in this shop's database (Django's own store)"

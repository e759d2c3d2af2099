from user_sessions.backends.db import SessionStore as PeerSessionStore

from shop.sessions.base import ShopStoreMixin


class SessionStore(ShopStoreMixin, PeerSessionStore):
    engine = "db"
    place = "in this shop's database (django-user-sessions)"

import time

from django.conf import settings
from django.contrib.sessions.backends.signed_cookies import SessionStore as DjangoSessionStore
from django.core import signing

from shop.sessions import lifetime
from shop.sessions.base import ShopStoreMixin

# Browsers drop a cookie whose name, value and attributes pass 4,096 bytes.
COOKIE_SIZE_LIMIT = 4096
# "; expires=Thu, 01 Jan 2026 00:00:00 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax;
# Secure" with room to spare for a domain.
COOKIE_ATTRIBUTES_ALLOWANCE = 160


class SessionStore(ShopStoreMixin, DjangoSessionStore):
    """The whole session, signed, in the browser's cookie."""

    engine = "cookie"
    place = "in your browser, in a signed cookie; this server keeps nothing"
    server_side = False
    ended_guests_polled = True  # a copy of an ended guest's cookie still verifies

    @classmethod
    def could_hold(cls, session_key: str) -> bool:
        return session_key.count(":") >= 2  # value:timestamp:signature

    def load(self) -> dict:
        data = super().load()  # accepts signatures as old as the longest remembered sign-in
        too_old = time.time() - settings.SESSION_COOKIE_AGE
        if data and lifetime.read(data) is None and (self.issued_at() or 0) < too_old:
            self.create()  # only a signed-in session's own stamps may outlast Django's age
            return {}
        return data

    def issued_at(self) -> float | None:
        """When the cookie was signed: the timestamp its signature vouches for."""
        try:
            return float(signing.b62_decode(self.session_key.rsplit(":", 2)[-2]))
        except (AttributeError, IndexError, ValueError):
            return None

    def cookie_size(self) -> int:
        """Bytes the Set-Cookie for the current data would take."""
        value = self._get_session_key()  # the signed, compressed session as it will be sent
        return len(settings.SESSION_COOKIE_NAME) + 1 + len(value) + COOKIE_ATTRIBUTES_ALLOWANCE

    def stored_size(self) -> int:
        return len(self._get_session_key()) if not self.is_empty() else 0

    def has_room(self, reserve: int = 0) -> bool:
        return self.cookie_size() + reserve <= COOKIE_SIZE_LIMIT

from django.conf import settings
from django.contrib.sessions.backends.signed_cookies import SessionStore as DjangoSessionStore

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

    def cookie_size(self) -> int:
        """Bytes the Set-Cookie for the current data would take."""
        value = self._get_session_key()  # the signed, compressed session as it will be sent
        return len(settings.SESSION_COOKIE_NAME) + 1 + len(value) + COOKIE_ATTRIBUTES_ALLOWANCE

    def stored_size(self) -> int:
        return len(self._get_session_key()) if not self.is_empty() else 0

    def has_room(self) -> bool:
        return self.cookie_size() <= COOKIE_SIZE_LIMIT

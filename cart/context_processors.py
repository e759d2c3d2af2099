from django.conf import settings
from django.http import HttpRequest

from cart import session_cart


def cart(request: HttpRequest) -> dict:
    """The header's item count, read from the session alone (no query)."""
    return {
        "cart_count": session_cart.item_count(request.session),
        "session_backend": settings.SESSION_BACKEND,
    }

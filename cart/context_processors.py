from django.conf import settings
from django.http import HttpRequest

from cart.services import current_entries


def cart(request: HttpRequest) -> dict:
    """The header's item count, read from the session (and for a signed-in cart, the user
    row the page loads anyway); a read, which writes nothing. An error page may have no user."""
    return {
        "cart_count": sum(
            entry.quantity
            for entry in current_entries(request.session, getattr(request, "user", None)).values()
        ),
        "session_backend": settings.SESSION_BACKEND,
    }

"""`Cache-Control: no-store` on every page that shows one person's data, chosen by URL name.

Declared here, in one place, so a new app's pages are covered by adding its namespace.
"""

from collections.abc import Callable

from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.urls import ResolverMatch
from django.utils.cache import add_never_cache_headers

# Every page in these URL namespaces is about the visitor: their cart, account, orders.
NO_STORE_NAMESPACES = frozenset({"accounts", "register", "cart", "checkout", "orders"})
# Single pages elsewhere that show the visitor's own session.
NO_STORE_VIEW_NAMES = frozenset({"state"})


def for_someone_signed_in(request: HttpRequest) -> bool:
    """A page rendered for a signed-in visitor names them, whatever its URL. Asked only of a
    session the page read anyway, so it costs nothing."""
    session = getattr(request, "session", None)
    return bool(session is not None and session.accessed and AUTH_SESSION_KEY in session)


def shows_personal_data(match: ResolverMatch | None) -> bool:
    if match is None:  # no URL matched: a 404 page shows nobody's data
        return False
    return match.view_name in NO_STORE_VIEW_NAMES or not NO_STORE_NAMESPACES.isdisjoint(
        match.namespaces
    )


class NoStoreMiddleware:
    """Neither a shared cache nor the browser's may keep these pages: a proxy could serve
    them to someone else, and the back button could show them after sign-out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if shows_personal_data(request.resolver_match) or for_someone_signed_in(request):
            add_never_cache_headers(response)
        return response

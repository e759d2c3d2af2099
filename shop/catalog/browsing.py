"""What the catalog remembers about a visitor's browsing: the sort chosen and the products
viewed last. This module alone owns those cookies.

They are cookies of their own, not session keys: browsing needs none of a session's
guarantees, so a visitor who only browses has no session and the server keeps nothing for
them (a bot included), and a page viewed never writes the session a cart change goes to.
A forged value can only change what its own sender sees, so they are not signed; anything
but what this module writes reads as absent, and reading never raises.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

SORT_COOKIE = "sort"
RECENTLY_VIEWED_COOKIE = "recently_viewed"
BROWSING_COOKIE_SECONDS = 30 * 24 * 3600

# The shopper's choice in ?sort= and the ordering behind it; ties break by name, then id,
# so pages never overlap or skip a product.
SORT_ORDERINGS: dict[str, tuple[str, ...]] = {
    "name": ("name", "id"),
    "price": ("price", "name", "id"),
    "-price": ("-price", "name", "id"),
}
SORT_LABELS = {"name": "Name", "price": "Price: low to high", "-price": "Price: high to low"}
DEFAULT_SORT = "name"
RECENTLY_VIEWED_LIMIT = 8
MAX_ID_DIGITS = 12


def cookie_name(name: str) -> str:
    """With the session cookie's prefix (`__Host-` in production)."""
    return settings.SESSION_COOKIE_NAME.removesuffix("sessionid") + name


def read(request: HttpRequest, name: str) -> str:
    return request.COOKIES.get(cookie_name(name), "")


def remember(request: HttpRequest, response: HttpResponse, name: str, value: str) -> None:
    """Set the cookie if its value changes; the page depends on the visitor's cookies."""
    patch_vary_headers(response, ("Cookie",))
    if read(request, name) != value:
        response.set_cookie(
            cookie_name(name),
            value,
            max_age=BROWSING_COOKIE_SECONDS,
            path="/",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )


def remembered_sort(request: HttpRequest) -> str:
    value = read(request, SORT_COOKIE)
    return value if value in SORT_ORDERINGS else DEFAULT_SORT


def chosen_sort(request: HttpRequest) -> str:
    """A valid ?sort=, else the remembered one: an unknown value is ignored."""
    requested = request.GET.get("sort")
    return requested if requested in SORT_ORDERINGS else remembered_sort(request)


def remember_sort(request: HttpRequest, response: HttpResponse, sort: str) -> None:
    remember(request, response, SORT_COOKIE, sort)


def recently_viewed_ids(request: HttpRequest) -> list[int]:
    """Product ids, most recent first; malformed entries are skipped."""
    ids: list[int] = []
    for part in read(request, RECENTLY_VIEWED_COOKIE).split(".")[: 2 * RECENTLY_VIEWED_LIMIT]:
        # isdecimal alone admits other scripts' digits, which int() would take as well.
        if part.isascii() and part.isdecimal() and len(part) <= MAX_ID_DIGITS:
            if (product_id := int(part)) > 0 and product_id not in ids:
                ids.append(product_id)
    return ids[:RECENTLY_VIEWED_LIMIT]


def record_view(request: HttpRequest, response: HttpResponse, product_id: int) -> None:
    """Put a product at the front of the recently viewed list, keeping the last few."""
    ids = [product_id, *(i for i in recently_viewed_ids(request) if i != product_id)]
    value = ".".join(str(i) for i in ids[:RECENTLY_VIEWED_LIMIT])
    remember(request, response, RECENTLY_VIEWED_COOKIE, value)

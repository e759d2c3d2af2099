"""What the catalog remembers about a visitor's browsing. This module alone owns those keys.

Both values are plain JSON (a string and a list of ints). Anything else found under the keys,
whatever put it there, is treated as absent: reading never raises.
"""

from django.contrib.sessions.backends.base import SessionBase

SORT_SESSION_KEY = "catalog_sort"
RECENTLY_VIEWED_SESSION_KEY = "recently_viewed"

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


def remembered_sort(session: SessionBase) -> str:
    value = session.get(SORT_SESSION_KEY)
    return value if isinstance(value, str) and value in SORT_ORDERINGS else DEFAULT_SORT


def choose_sort(session: SessionBase, requested: str | None) -> str:
    """The sort to use: a valid ?sort= (remembered for next time), else the remembered one.

    An unknown value is ignored. The session is written only when the choice changes, so
    paging through a list does not rewrite the session on every request.
    """
    if requested in SORT_ORDERINGS:
        if session.get(SORT_SESSION_KEY) != requested:
            session[SORT_SESSION_KEY] = requested
        return requested
    return remembered_sort(session)


def recently_viewed_ids(session: SessionBase) -> list[int]:
    """Product ids, most recent first; malformed entries are skipped."""
    raw = session.get(RECENTLY_VIEWED_SESSION_KEY)
    if not isinstance(raw, list):
        return []
    ids: list[int] = []
    for item in raw:
        # bool is an int subclass, and True is not a product id.
        if type(item) is int and item > 0 and item not in ids:
            ids.append(item)
    return ids[:RECENTLY_VIEWED_LIMIT]


def record_view(session: SessionBase, product_id: int) -> None:
    """Put a product at the front of the recently viewed list, keeping the last few."""
    ids = [product_id, *(i for i in recently_viewed_ids(session) if i != product_id)]
    ids = ids[:RECENTLY_VIEWED_LIMIT]
    if session.get(RECENTLY_VIEWED_SESSION_KEY) != ids:
        session[RECENTLY_VIEWED_SESSION_KEY] = ids

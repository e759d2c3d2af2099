"""The cart as it lives in the session. This module alone owns the cart's session key.

Lines are stored compactly, JSON-only: {"<product_id>": [quantity, "unit price when added"]},
so a full cart still fits in a signed cookie.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.sessions.backends.base import SessionBase

from shop.catalog.limits import MAX_QUANTITY_PER_LINE

CART_SESSION_KEY = "cart"
# A signed-in session's cart belongs to one generation of its user's cart: placing an order
# starts the next (User.cart_generation), and a cart of an older one is dropped on sight.
GENERATION_KEY = "cart_gen"
KEYS = (CART_SESSION_KEY, GENERATION_KEY)


@dataclass(frozen=True)
class Entry:
    quantity: int
    added_price: Decimal


Entries = dict[int, Entry]


def parse_entries(raw: object) -> Entries:
    """Entries from stored data; malformed lines are dropped, never raised."""
    if not isinstance(raw, dict):
        return {}
    entries: Entries = {}
    for key, value in raw.items():
        try:
            product_id, (quantity, price) = int(key), value
            entry = Entry(int(quantity), Decimal(price))
        except (TypeError, ValueError, ArithmeticError):  # InvalidOperation, int(infinity)
            continue
        if 1 <= entry.quantity <= MAX_QUANTITY_PER_LINE and entry.added_price.is_finite():
            entries[product_id] = entry
    return entries


def serialize_entries(entries: Entries) -> dict[str, list]:
    return {str(pid): [e.quantity, str(e.added_price)] for pid, e in entries.items()}


def read(session: SessionBase) -> Entries:
    return parse_entries(session.get(CART_SESSION_KEY))


def write(session: SessionBase, entries: Entries) -> None:
    if entries:
        session[CART_SESSION_KEY] = serialize_entries(entries)
    else:
        session.pop(CART_SESSION_KEY, None)
        session.pop(GENERATION_KEY, None)


def generation(session: SessionBase) -> int:
    value = session.get(GENERATION_KEY, 0)
    return value if isinstance(value, int) else 0


def stamp_generation(session: SessionBase, number: int) -> None:
    """Every signed-in cart carries its generation, 0 included: a cart without one was put
    together by a guest, and comes along at sign-in whatever the user ordered before."""
    if CART_SESSION_KEY in session and session.get(GENERATION_KEY) != number:
        session[GENERATION_KEY] = number


def is_a_guests(session: SessionBase) -> bool:
    return CART_SESSION_KEY in session and GENERATION_KEY not in session


@dataclass(frozen=True)
class Summary:
    """What the session register keeps of a cart: how many lines, worth how much when added."""

    lines: int
    value: Decimal


def summary(session: SessionBase) -> Summary:
    entries = read(session).values()
    return Summary(len(entries), sum((e.quantity * e.added_price for e in entries), Decimal(0)))

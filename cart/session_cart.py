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
# The line the shopper last removed, so that it can be put back: [product id, quantity, price].
# Any later write of the cart ends it (the undo is for the last change only).
UNDO_KEY = "cart_undo"
KEYS = (CART_SESSION_KEY, GENERATION_KEY, UNDO_KEY)


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
    session.pop(UNDO_KEY, None)  # modifies the session only when an undo was offered
    if entries:
        session[CART_SESSION_KEY] = serialize_entries(entries)
    else:
        session.pop(CART_SESSION_KEY, None)
        session.pop(GENERATION_KEY, None)


def remember_removed(session: SessionBase, product_id: int, entry: Entry) -> None:
    session[UNDO_KEY] = [product_id, entry.quantity, str(entry.added_price)]


def removed_line(session: SessionBase) -> tuple[int, Entry] | None:
    """The line the last change removed, if it can still be put back; malformed is none."""
    memo = session.get(UNDO_KEY)
    if not isinstance(memo, list) or len(memo) != 3:
        return None
    product_id, quantity, price = memo
    if not isinstance(product_id, int | str):  # a key of the dict below
        return None
    entries = parse_entries({product_id: [quantity, price]})
    return next(iter(entries.items()), None)


def forget_removed(session: SessionBase) -> None:
    session.pop(UNDO_KEY, None)


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

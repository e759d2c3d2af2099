"""A shopper's way through checkout, as it lives in the session. This module alone owns the
session keys of checkout and of the orders placed in a session.

Stored compactly, JSON only, so that it fits a signed cookie beside a full cart:
    "checkout": {"t": "<token>", "a": [full_name, line1, line2, city, postcode, country, email],
                 "d": "standard"}
    "orders": ["<order number>", …]   the last ORDERS_KEPT orders placed in this session
The token names this one checkout: placing it twice finds the order placed the first time.
Anything malformed (corrupt store data) reads as not entered yet, never as an error.
"""

import json
import math
import re
import secrets
from dataclasses import dataclass, field

from django.contrib.sessions.backends.base import SessionBase

from shop.orders.addresses import ADDRESS_FIELDS, COUNTRIES
from shop.orders.delivery import METHODS

CHECKOUT_KEY = "checkout"
ORDERS_KEY = "orders"
ORDERS_KEPT = 5
STEPS = ("address", "delivery", "review")
# The longest each stored field may be: the form's limits (email as Django's EmailField).
FIELD_LENGTHS = {
    "full_name": 70,
    "line1": 80,
    "line2": 80,
    "city": 50,
    "postcode": 10,
    "country": 2,
    "email": 254,
}
STORED_FIELDS = (*ADDRESS_FIELDS, "email")
TOKEN_LENGTH = 22  # secrets.token_urlsafe(16)
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{22}")
ORDER_NUMBER_SHAPE = re.compile(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}")


@dataclass(frozen=True)
class Progress:
    token: str = ""
    address: dict[str, str] | None = None
    delivery: str | None = None
    orders: list[str] = field(default_factory=list)

    @property
    def next_step(self) -> str:
        if self.address is None:
            return "address"
        if self.delivery is None:
            return "delivery"
        return "review"

    def reached(self, step: str) -> bool:
        """Whether every step before `step` is done."""
        return STEPS.index(step) <= STEPS.index(self.next_step)

    @property
    def started(self) -> bool:
        return bool(self.token)


def read(session: SessionBase) -> Progress:
    raw = session.get(CHECKOUT_KEY)
    orders = read_orders(session)
    if not isinstance(raw, dict) or not valid_token(raw.get("t")):
        return Progress(orders=orders)
    delivery = raw.get("d") if isinstance(raw.get("d"), str) and raw["d"] in METHODS else None
    return Progress(raw["t"], parse_address(raw.get("a")), delivery, orders)


def valid_token(token: object) -> bool:
    return isinstance(token, str) and TOKEN_SHAPE.fullmatch(token) is not None


def parse_address(raw: object) -> dict[str, str] | None:
    if not isinstance(raw, list) or len(raw) != len(STORED_FIELDS):
        return None
    if not all(isinstance(value, str) for value in raw):
        return None
    address = dict(zip(STORED_FIELDS, raw, strict=True))
    too_long = any(len(address[name]) > FIELD_LENGTHS[name] for name in STORED_FIELDS)
    if too_long or address["country"] not in COUNTRIES:
        return None
    return address


def read_orders(session: SessionBase) -> list[str]:
    raw = session.get(ORDERS_KEY)
    if not isinstance(raw, list):
        return []
    return [n for n in raw if isinstance(n, str) and ORDER_NUMBER_SHAPE.fullmatch(n)]


def save_address(session: SessionBase, address: dict[str, str]) -> None:
    stored = [address.get(name, "") for name in STORED_FIELDS]
    change(session, a=stored)


def save_delivery(session: SessionBase, method: str) -> None:
    change(session, d=method)


def change(session: SessionBase, **parts) -> None:
    current = session.get(CHECKOUT_KEY)
    progress = read(session)
    state = current if progress.started else {"t": secrets.token_urlsafe(16)}
    session[CHECKOUT_KEY] = {**state, **parts}


def renew_token(session: SessionBase) -> None:
    """At sign-in: a copy of the guest's cookie from before must not name this checkout."""
    if read(session).started:
        session[CHECKOUT_KEY] = {**session[CHECKOUT_KEY], "t": secrets.token_urlsafe(16)}


def finish(session: SessionBase, order_number: str) -> None:
    """The checkout became this order: forget the checkout, remember the order here."""
    session.pop(CHECKOUT_KEY, None)
    orders = [n for n in read_orders(session) if n != order_number]
    session[ORDERS_KEY] = [*orders, order_number][-ORDERS_KEPT:]


def forget_orders(session: SessionBase) -> None:
    session.pop(ORDERS_KEY, None)


def placed_here(session: SessionBase, order_number: str) -> bool:
    return order_number in read_orders(session)


def step_of(session: SessionBase) -> str:
    """The step a session in checkout is at, for the register; empty when not in checkout."""
    progress = read(session)
    return progress.next_step if progress.started else ""


def largest_state() -> dict:
    """The most a session can hold of this module's data (ASCII, as people type it)."""
    address = ["x" * FIELD_LENGTHS[name] for name in STORED_FIELDS]
    orders = ["XXXX-XXXX-XXXX"] * ORDERS_KEPT
    return {
        CHECKOUT_KEY: {"t": "x" * TOKEN_LENGTH, "a": address, "d": "standard"},
        ORDERS_KEY: orders,
    }


def encoded_bytes(data: dict) -> int:
    """Bytes `data` adds to a signed cookie at most: its JSON, base64-encoded, uncompressed."""
    return math.ceil(len(json.dumps(data, separators=(",", ":"))) * 4 / 3)


ROOM_NEEDED = encoded_bytes(largest_state())


def room_to_keep(session: SessionBase) -> int:
    """How many more bytes checkout may still need in this session: what a cart change must
    leave free, so that the cookie engine can always take a full cart through checkout."""
    mine = {key: session[key] for key in (CHECKOUT_KEY, ORDERS_KEY) if key in session}
    return max(0, ROOM_NEEDED - encoded_bytes(mine)) if mine else ROOM_NEEDED

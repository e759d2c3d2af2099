"""The session register: who holds each live session, on which device, with what cart.

This module alone owns the register's session key. It writes a session's row when the
session starts, when its owner, key or cart changes, and otherwise at most every
TOUCH_SECONDS, so an ordinary request costs no query and no store round trip.
"""

import hashlib
import time
from dataclasses import dataclass

from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.http import HttpRequest
from django.utils import timezone

from cart import session_cart
from shop.client_ip import client_ip
from shop.orders import checkout
from shop.register.models import SessionRecord
from shop.sessions import admission
from shop.sessions.lifetime import ACTIVITY_STAMP_SECONDS

REGISTER_SESSION_KEY = "_register"
TOUCH_SECONDS = ACTIVITY_STAMP_SECONDS  # in step with the lifetime's "last seen" stamp


@dataclass(frozen=True)
class Entry:
    """What the session remembers of its row: [public id, when written, fingerprint]."""

    public_id: str
    written_at: int
    fingerprint: str


def read_entry(session) -> Entry | None:
    raw = session.get(REGISTER_SESSION_KEY)
    if isinstance(raw, list) and len(raw) == 3 and isinstance(raw[0], str):
        try:
            return Entry(raw[0], int(raw[1]), str(raw[2]))
        except (TypeError, ValueError, OverflowError):  # int(inf) overflows
            return None
    return None


def write_entry(session, entry: Entry) -> None:
    session[REGISTER_SESSION_KEY] = [entry.public_id, entry.written_at, entry.fingerprint]


def has_data(session) -> bool:
    return any(key != REGISTER_SESSION_KEY for key in session.keys())


def snapshot(request: HttpRequest) -> dict:
    cart = session_cart.summary(request.session)
    return {
        "engine": request.session.engine,
        "user_id": request.session.get(AUTH_SESSION_KEY),
        "cart_lines": cart.lines,
        "cart_value": cart.value,
        "key_digest": request.session.key_digest,
        "checkout_step": checkout.step_of(request.session),
    }


# What rewrites the row at once when it changes (the engine: when a session moves to
# another, see shop/sessions/moving.py). The cart's value is not among them: a
# quantity change would otherwise cost every cart change a write of its own; the value is
# brought up to date with the next write, at most TOUCH_SECONDS later.
PROMPT_FIELDS = ("engine", "user_id", "cart_lines", "key_digest", "checkout_step")


def fingerprint(state: dict) -> str:
    prompt = [(name, state[name]) for name in PROMPT_FIELDS]
    return hashlib.blake2b(repr(prompt).encode(), digest_size=6).hexdigest()


def sync(request: HttpRequest) -> None:
    """At the end of a request: create, update or touch this session's row when due."""
    session = request.session
    if not session.accessed:
        return  # nothing read: nothing changed
    entry = read_entry(session)
    if entry is None and not has_data(session):
        return  # a visitor who stores nothing gets no row
    if entry is None and not admission.admitted(request):
        session.flush()  # this address started its minute's sessions: no new one
        return
    if entry is None and session.server_side and session.session_key is None:
        session.save()  # a new server-side session needs its key before it is recorded
    state = snapshot(request)
    mark = fingerprint(state)
    now = int(time.time())
    if entry is None:
        record = create_record(request, state)
        write_entry(session, Entry(record.public_id, now, mark))
    elif entry.fingerprint != mark or now - entry.written_at >= TOUCH_SECONDS:
        if update_record(request, entry.public_id, state):
            write_entry(session, Entry(entry.public_id, now, mark))
        else:
            session.flush()  # ended elsewhere (a cookie-engine guest may learn it here)


def record_fields(request: HttpRequest, state: dict) -> dict:
    return {
        "engine": state["engine"],
        "user_id": state["user_id"],
        "key_digest": state["key_digest"],
        "cart_lines": state["cart_lines"],
        "cart_value": state["cart_value"],
        "checkout_step": state["checkout_step"],
        "ip_address": client_ip(request),
        "user_agent": request.headers.get("User-Agent", "")[:400],
        "expires_at": request.session.get_expiry_date(),
        "last_seen": timezone.now(),
    }


def create_record(request: HttpRequest, state: dict) -> SessionRecord:
    return SessionRecord.objects.create(**record_fields(request, state))


def update_record(request: HttpRequest, public_id: str, state: dict) -> bool:
    """Write the row; False when it was ended meanwhile."""
    fields = record_fields(request, state)
    return bool(
        SessionRecord.objects.filter(public_id=public_id, ended_at__isnull=True).update(**fields)
    )


def current_public_id(session) -> str | None:
    entry = read_entry(session)
    return entry.public_id if entry else None

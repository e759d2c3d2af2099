"""The session register: who holds each live session, on which device, with what cart.

This module alone owns the register's session key. It writes a session's row when the
session starts, when its owner, key or cart changes, and otherwise at most every
TOUCH_SECONDS, so an ordinary request costs no query and no store round trip.
"""

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import SessionRecord, User
from cart import session_cart
from shop.session_backends import SESSION_ENGINES

REGISTER_SESSION_KEY = "_register"
TOUCH_SECONDS = 300
ENDED_IDS_KEPT = 200  # a user's ended ids are checked on every request: keep the list short
GUEST_POLL_SECONDS = 2
CLOCK_SKEW = timedelta(seconds=60)  # rows are stamped by whichever server ended them


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
        except (TypeError, ValueError):
            return None
    return None


def write_entry(session, entry: Entry) -> None:
    session[REGISTER_SESSION_KEY] = [entry.public_id, entry.written_at, entry.fingerprint]


def has_data(session) -> bool:
    return any(key != REGISTER_SESSION_KEY for key in session.keys())


def store_key(session) -> str:
    """The store's key for server-side engines; a cookie session's key is the cookie itself."""
    return "" if settings.SESSION_BACKEND == "cookie" else session.session_key or ""


def snapshot(request: HttpRequest) -> dict:
    entries = session_cart.read(request.session).values()
    return {
        "user_id": request.session.get(AUTH_SESSION_KEY),
        "cart_lines": len(entries),
        "cart_value": sum((e.quantity * e.added_price for e in entries), 0),
        "session_key": store_key(request.session),
    }


def fingerprint(state: dict) -> str:
    return hashlib.blake2b(repr(sorted(state.items())).encode(), digest_size=6).hexdigest()


def sync(request: HttpRequest) -> None:
    """At the end of a request: create, update or touch this session's row when due."""
    session = request.session
    if not session.accessed:
        return  # nothing read: nothing changed
    entry = read_entry(session)
    if entry is None and not has_data(session):
        return  # a visitor who stores nothing gets no row
    if entry is None and settings.SESSION_BACKEND != "cookie" and session.session_key is None:
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
            session.flush()  # ended elsewhere (a guest on the cookie engine learns it here)


def record_fields(request: HttpRequest, state: dict) -> dict:
    return {
        "user_id": state["user_id"],
        "session_key": state["session_key"],
        "cart_lines": state["cart_lines"],
        "cart_value": state["cart_value"],
        "ip_address": request.META.get("REMOTE_ADDR") or None,
        "user_agent": request.headers.get("User-Agent", "")[:400],
        "expires_at": request.session.get_expiry_date(),
        "last_seen": timezone.now(),
    }


def create_record(request: HttpRequest, state: dict) -> SessionRecord:
    return SessionRecord.objects.create(
        engine=settings.SESSION_BACKEND, **record_fields(request, state)
    )


def update_record(request: HttpRequest, public_id: str, state: dict) -> bool:
    """Write the row; False when it was ended meanwhile."""
    fields = record_fields(request, state)
    return bool(
        SessionRecord.objects.filter(public_id=public_id, ended_at__isnull=True).update(**fields)
    )


def current_public_id(session) -> str | None:
    entry = read_entry(session)
    return entry.public_id if entry else None


def was_ended(request: HttpRequest, user) -> bool:
    """Whether this signed-in session was ended elsewhere, read from its user's row."""
    if AUTH_SESSION_KEY not in request.session or not user.is_authenticated:
        return False
    public_id = current_public_id(request.session)
    return bool(public_id and public_id in user.ended_session_ids)


def ended_as_guest(request: HttpRequest) -> bool:
    """Whether this cookie-engine guest session was ended by staff. Only a signed cookie
    needs this: server-side engines lose the session's data when it is ended."""
    if settings.SESSION_BACKEND != "cookie" or AUTH_SESSION_KEY in request.session:
        return False
    public_id = current_public_id(request.session)
    return bool(public_id) and public_id in ended_cookie_guests


def end_sessions(records) -> int:
    """End these sessions on every engine: mark their rows and tell their users' rows, so a
    signed-in session is signed out on its next request (and told why); a guest's data is
    deleted from a server-side store, so it starts afresh."""
    records = list(records.filter(ended_at__isnull=True))
    if not records:
        return 0
    with transaction.atomic():
        SessionRecord.objects.filter(pk__in=[r.pk for r in records]).update(ended_at=timezone.now())
        for user_id in {r.user_id for r in records if r.user_id}:
            ended = [r.public_id for r in records if r.user_id == user_id]
            remember_ended(user_id, ended)
    for record in records:
        if record.user_id is None:
            delete_from_store(record)
    return len(records)


def remember_ended(user_id: int, public_ids: list[str]) -> None:
    user = User.objects.select_for_update().only("ended_session_ids").get(pk=user_id)
    kept = [i for i in user.ended_session_ids if i not in public_ids]
    user.ended_session_ids = (kept + public_ids)[-ENDED_IDS_KEPT:]
    user.save(update_fields=["ended_session_ids"])


def delete_from_store(record: SessionRecord) -> None:
    if record.session_key and record.engine == settings.SESSION_BACKEND:
        engine = import_module(SESSION_ENGINES[record.engine])
        engine.SessionStore(record.session_key).delete()


def end_current(session) -> None:
    """At sign-out: the row of the session being flushed ends with it."""
    if public_id := current_public_id(session):
        SessionRecord.objects.filter(public_id=public_id, ended_at__isnull=True).update(
            ended_at=timezone.now()
        )


def end_others(user, session) -> int:
    """End every session of this user except the one in `session`."""
    others = SessionRecord.objects.active().filter(user=user)
    if public_id := current_public_id(session):
        others = others.exclude(public_id=public_id)
    return end_sessions(others)


class EndedCookieGuests:
    """Public ids of cookie-engine guest sessions ended lately, as this process knows them.

    A guest's signed cookie names no row the request would read anyway, so each process
    polls for newly ended ones at most every GUEST_POLL_SECONDS, whatever its traffic.
    """

    def __init__(self) -> None:
        self.ended: dict[str, datetime] = {}
        self.polled_at: datetime | None = None

    def __contains__(self, public_id: str) -> bool:
        self.poll()
        return public_id in self.ended

    def poll(self) -> None:
        now = timezone.now()
        if self.polled_at and (now - self.polled_at).total_seconds() < GUEST_POLL_SECONDS:
            return
        oldest = now - timedelta(seconds=settings.SESSION_COOKIE_AGE)  # older cookies expired
        since = self.polled_at - CLOCK_SKEW if self.polled_at else oldest
        rows = SessionRecord.objects.filter(engine="cookie", user=None, ended_at__gte=since)
        self.ended.update(rows.values_list("public_id", "ended_at"))
        self.ended = {key: at for key, at in self.ended.items() if at >= oldest}
        self.polled_at = now

    def forget(self) -> None:
        self.__init__()


ended_cookie_guests = EndedCookieGuests()

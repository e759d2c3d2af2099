"""Ending sessions, on every engine, signed cookies included.

A signed-in session ends for good: by sign-out, from another device, by staff, by a password
change or reset, or when its lifetime runs out. Every copy of its cookie is then a guest on
its next request. Server-side stores lose the session's data; a signed cookie cannot be
recalled, so its user's row remembers it as ended (`User.ended_sessions`) until it could not
be used anyway. The auth middleware loads that row for every signed-in request, so the check
costs nothing. A guest has no user row, and where the process that ends its session cannot
reach the data (a signed cookie; another process's memory, another instance's disk) each
process polls the register for ended ones (EndedCookieGuests).
"""

import time
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from shop.register.models import SessionRecord
from shop.register.rows import current_public_id
from shop.sessions import lifetime
from shop.sessions.config import SESSION_BACKENDS, engines_in_use, store_class

# A user's ended sessions are checked on every request: past this many, every session
# signed in before now ends instead, and the list starts afresh.
ENDED_KEPT = 100
GUEST_POLL_SECONDS = 2
CLOCK_SKEW = timedelta(seconds=60)  # rows are stamped by whichever server ended them
ENDED_MESSAGE = "This session was ended from another device or by staff. Please sign in again."
# What a server-side store keeps of a signed-in session ended elsewhere: nothing of the user
# or the cart, only the fact, so its next request is told why.
ENDED_KEY = "_ended"


def why_ended(session, user) -> str | None:
    """Why this signed-in session may no longer act as `user`; None while it may."""
    if AUTH_SESSION_KEY not in session or not user.is_authenticated:
        return None
    if reason := lifetime.end_reason(session):
        return reason
    public_id = current_public_id(session)
    if public_id and public_id in user.ended_sessions:
        return ENDED_MESSAGE
    valid_after = user.sessions_valid_after
    if valid_after and lifetime.of(session).signed_in_at < valid_after.timestamp():
        return ENDED_MESSAGE
    return None


def end_sessions(records) -> int:
    """End these sessions: mark their rows, remember signed-in ones on their users' rows
    (signed out on their next request, told why), and delete guests' data from a
    server-side store, so they start afresh."""
    records = list(records.filter(ended_at__isnull=True))
    if not records:
        return 0
    with transaction.atomic():
        mark_ended(records)
        for user_id in {r.user_id for r in records if r.user_id}:
            until = int(time.time()) + lifetime.longest_seconds()  # however fresh a copy is
            remember_ended(user_id, {r.public_id: until for r in records if r.user_id == user_id})
    return clear_from_stores(records)


def mark_ended(records: list[SessionRecord]) -> None:
    SessionRecord.objects.filter(pk__in=[r.pk for r in records]).update(ended_at=timezone.now())


def clear_from_stores(records: list[SessionRecord]) -> int:
    for record in records:
        clear_from_store(record)
    return len(records)


def remember_ended(user_id: int, ended: dict[str, int]) -> None:
    # A transaction of its own where the request has none (cookie, redis): the row lock
    # needs one. Inside the request's transaction (db engines), no savepoint.
    with transaction.atomic(savepoint=False):
        user = (
            get_user_model()
            .objects.select_for_update()
            .only("ended_sessions", "sessions_valid_after")
        )
        user = user.get(pk=user_id)
        now = time.time()
        still_usable = {
            public_id: until
            for public_id, until in {**user.ended_sessions, **ended}.items()
            if until > now
        }
        if len(still_usable) > ENDED_KEPT:
            user.sessions_valid_after, still_usable = timezone.now(), {}
        user.ended_sessions = still_usable
        user.save(update_fields=["ended_sessions", "sessions_valid_after"])


def clear_from_store(record: SessionRecord) -> None:
    """A guest's data goes; a signed-in session's is replaced by the fact that it ended."""
    if record.key_digest and record.engine in engines_in_use():
        store = store_class(record.engine)
        if record.user_id is None:
            store.delete_stored(record.key_digest)
        else:
            store.replace_stored(record.key_digest, {ENDED_KEY: True})


def was_ended_here(session) -> bool:
    """Whether the store holds only the fact that this session was ended elsewhere."""
    return ENDED_KEY in session


def end_current(session, user) -> None:
    """At sign-out: the session being flushed ends, and so does every copy of its cookie."""
    public_id = current_public_id(session)
    if not public_id:
        return
    SessionRecord.objects.filter(public_id=public_id, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
    if user is not None and user.is_authenticated:
        # A copy used since may have later "last seen" stamps: keep it ended until the
        # latest any copy could last.
        stamps = lifetime.of(session)
        if stamps is None:  # not signed in after all: keep it as long as any session lasts
            until = int(time.time()) + lifetime.longest_seconds()
        else:
            until = int(stamps.ends_at_the_latest) + lifetime.ENDED_NOTICE_SECONDS + 1
        remember_ended(user.pk, {public_id: until})


def end_others(user, session) -> int:
    """End every session of this user except the one in `session`."""
    others = SessionRecord.objects.active().filter(user=user)
    if public_id := current_public_id(session):
        others = others.exclude(public_id=public_id)
    return end_sessions(others)


def end_all_sessions(user) -> int:
    """End every session of this user, including ones the register may not list, e.g.
    after a password reset or when staff end all of a user's sessions."""
    with transaction.atomic():
        get_user_model().objects.filter(pk=user.pk).update(
            sessions_valid_after=timezone.now(), ended_sessions={}
        )
        records = list(SessionRecord.objects.active().filter(user=user))
        mark_ended(records)
    return clear_from_stores(records)


def ended_as_guest(request) -> bool:
    """Whether this guest session was ended elsewhere, where the process that ended it
    could not reach its data: a signed cookie, or a session in another process's memory or
    on another instance's disk (checked too while sessions move from those engines)."""
    session = request.session
    if not session.ended_guests_polled or AUTH_SESSION_KEY in session:
        return False
    public_id = current_public_id(session)
    return bool(public_id) and public_id in ended_cookie_guests


def engines_polled() -> list[str]:
    """The engines whose ended guests may still be held out of the ender's reach, and while
    sessions move from one, the engine they move to, since a copy left there would move in
    afresh with the ended session's public id."""
    engines = [engine for engine in SESSION_BACKENDS if store_class(engine).ended_guests_polled]
    if settings.SESSION_MIGRATE_FROM in engines:
        engines.append(settings.SESSION_BACKEND)
    return engines


class EndedCookieGuests:
    """Public ids of guest sessions ended lately on the engines polled, as this process
    knows them.

    A guest's session names no row the request would read anyway, so each process
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
        rows = SessionRecord.objects.filter(
            engine__in=engines_polled(), user=None, ended_at__gte=since
        )
        self.ended.update(rows.values_list("public_id", "ended_at"))
        self.ended = {key: at for key, at in self.ended.items() if at >= oldest}
        self.polled_at = now

    def forget(self) -> None:
        self.__init__()


ended_cookie_guests = EndedCookieGuests()

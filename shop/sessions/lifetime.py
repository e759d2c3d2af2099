"""How long a signed-in session lasts, enforced by the server on every engine.

This module alone owns LIFETIME_KEY: [signed in at, remember me (0/1), last seen at], in
epoch seconds. A signed cookie carries these stamps with it, so the limits hold where the
server keeps nothing. "Last seen" is written at most every `activity_interval()` seconds,
never on every request. Guests keep Django's SESSION_COOKIE_AGE (14 days).

Without "remember me" a session ends SESSION_IDLE_SECONDS after it was last used, and
SESSION_MAX_SECONDS after sign-in however much it is used; its cookie ends with the browser.
With "remember me" it ends SESSION_REMEMBER_SECONDS after sign-in.
"""

import math
import time
from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY

LIFETIME_KEY = "_lifetime"
# The store keeps an ended session this much longer, so a returning visitor is told why
# they were signed out instead of silently finding themselves a guest.
ENDED_NOTICE_SECONDS = 900
# "Last seen" is rewritten at most this often (or every twelfth of the idle time, if less).
ACTIVITY_STAMP_SECONDS = 300


@dataclass(frozen=True)
class Lifetime:
    signed_in_at: float
    remember: bool
    seen_at: float

    @property
    def ends_at_the_latest(self) -> float:
        """However it is used, the session ends by then: so long a copy stays dangerous."""
        if self.remember:
            return self.signed_in_at + settings.SESSION_REMEMBER_SECONDS
        return self.signed_in_at + settings.SESSION_MAX_SECONDS

    @property
    def ends_at(self) -> float:
        if self.remember:
            return self.signed_in_at + settings.SESSION_REMEMBER_SECONDS
        return min(
            self.seen_at + settings.SESSION_IDLE_SECONDS,
            self.signed_in_at + settings.SESSION_MAX_SECONDS,
        )

    def end_reason(self, now: float) -> str | None:
        """Why this session has ended by `now`, in words for the shopper; None while it lasts."""
        if now < self.ends_at:
            return None
        if self.remember:
            lasts = duration(settings.SESSION_REMEMBER_SECONDS)
            return f"You were signed out: a remembered sign-in lasts {lasts}."
        if now >= self.signed_in_at + settings.SESSION_MAX_SECONDS:
            lasts = duration(settings.SESSION_MAX_SECONDS)
            return f"You were signed out: a sign-in lasts {lasts} unless you tick “Remember me”."
        idle = duration(settings.SESSION_IDLE_SECONDS)
        return f"You were signed out after {idle} without activity."


def duration(seconds: int) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} second{'' if seconds == 1 else 's'}"


def read(session) -> Lifetime | None:
    """The signed-in session's stamps; None for a guest, or for missing or unreadable stamps."""
    raw = session.get(LIFETIME_KEY)
    if AUTH_SESSION_KEY not in session or not isinstance(raw, list) or len(raw) != 3:
        return None
    try:
        signed_in_at, seen_at = float(raw[0]), float(raw[2])
    except (TypeError, ValueError, OverflowError):
        return None
    if not (math.isfinite(signed_in_at) and math.isfinite(seen_at)):
        return None  # NaN or infinity would make every "has it ended?" question false
    return Lifetime(signed_in_at, bool(raw[1]), seen_at)


def write(session, stamps: Lifetime) -> None:
    signed_in_at = round(stamps.signed_in_at, 3)  # to the millisecond: see sessions_valid_after
    session[LIFETIME_KEY] = [signed_in_at, int(stamps.remember), int(stamps.seen_at)]


def begin(session, *, remember: bool, now: float | None = None) -> None:
    """At sign-in. Without "remember me" the cookie lasts as long as the browser."""
    now = time.time() if now is None else now
    write(session, Lifetime(now, remember, now))
    session.set_expiry(None if remember else 0)


def of(session, now: float | None = None) -> Lifetime | None:
    """The signed-in session's lifetime. A session signed in before lifetimes existed gets
    one from when its store says it was written (a signed cookie's signature), else now."""
    if AUTH_SESSION_KEY not in session:
        return None
    if stamps := read(session):
        return stamps
    since = session.issued_at() or (time.time() if now is None else now)
    return Lifetime(since, not session.get_expire_at_browser_close(), since)


def end_reason(session, now: float | None = None) -> str | None:
    stamps = of(session, now)
    return stamps.end_reason(time.time() if now is None else now) if stamps else None


def activity_interval() -> int:
    return max(1, min(ACTIVITY_STAMP_SECONDS, settings.SESSION_IDLE_SECONDS // 12))


def keep_alive(session, now: float | None = None) -> None:
    """At the end of a request: stamp "last seen" when due, and write down the lifetime of a
    session signed in before lifetimes existed. A session the request never read is left
    unread: loading it here would cost a store round trip for nothing."""
    if not session.accessed:
        return
    now = time.time() if now is None else now
    stamps = of(session, now)
    if stamps is None or stamps.end_reason(now) is not None:
        return
    if read(session) is None or now - stamps.seen_at >= activity_interval():
        write(session, replace(stamps, seen_at=now))


def store_seconds(data: dict | None) -> int:
    """How long a store keeps a session with this data (Django's "cookie age")."""
    if data is None:
        return longest_seconds()  # not loaded yet: the longest any session may be kept
    stamps = read(data)
    if stamps is None:
        return settings.SESSION_COOKIE_AGE
    return max(1, int(stamps.ends_at - time.time()) + ENDED_NOTICE_SECONDS)


def longest_seconds() -> int:
    return max(
        settings.SESSION_COOKIE_AGE, settings.SESSION_REMEMBER_SECONDS + ENDED_NOTICE_SECONDS
    )

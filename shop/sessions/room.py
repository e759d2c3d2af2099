"""Room a size-limited session (the cookie engine's 4 KB) must keep free for later steps.

An app that writes to the session later declares how many bytes it may still need, so an
earlier change (a cart line) is refused while there is still room to say so, and the
earlier app needs to know nothing of who asked: the lower room offers, the higher one asks.
"""

from collections.abc import Callable, Iterable

from django.contrib.sessions.backends.base import SessionBase

Reservation = Callable[[SessionBase], int]  # bytes still needed by one app, for this session
reservations: list[Reservation] = []


def keep_room_for(reservation: Reservation) -> None:
    """Called from an app's ready(); idempotent, as ready() may run twice in tests."""
    if reservation not in reservations:
        reservations.append(reservation)


def room_kept(session: SessionBase) -> int:
    """Bytes every declared later step may still need in this session."""
    return sum(reservation(session) for reservation in reservations)


def write_if_room(
    session: SessionBase, write: Callable[[], None], *, keys: Iterable[str], reserve: int = 0
) -> bool:
    """Run `write`, which changes only `keys`; if the session could no longer be stored with
    `reserve` bytes to spare, put those keys back as they were and say so (False)."""
    keys = tuple(keys)
    before = {key: session[key] for key in keys if key in session}
    write()
    if session.has_room(reserve=reserve):
        return True
    for key in keys:
        if key in before:
            session[key] = before[key]
        elif key in session:
            del session[key]
    return False

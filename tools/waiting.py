"""Waiting for a system of real processes to reach a state: poll until it holds, up to a
deadline meant for a loaded two-core machine (CI runs the slow tests beside other work). How
long it took is returned, to be reported; a test asserts what must never happen meanwhile,
never how fast a fault settles."""

import time
from collections.abc import Callable

# For a fault to settle, an instance to start, a load to get going. A healthy run takes a
# few seconds; this only bounds a run that will never get there.
PATIENCE_SECONDS = 90
POLL_SECONDS = 0.1


class NotYet(AssertionError):
    """The state was not reached before the deadline."""


def eventually(
    what: str,
    check: Callable[[], bool],
    seconds: float = PATIENCE_SECONDS,
    *,
    ignoring: tuple[type[Exception], ...] = (),
    every: float = POLL_SECONDS,
) -> float:
    """Seconds until `check()` is true; NotYet naming `what` after `seconds`. `ignoring`:
    errors that mean "not yet" (a server still starting, say)."""
    started = time.monotonic()
    while True:
        try:
            if check():
                return time.monotonic() - started
        except ignoring:
            pass
        if time.monotonic() - started > seconds:
            raise NotYet(f"{what}: still not so after {seconds:g} s")
        time.sleep(every)

"""How many new sessions one client address may start a minute (NEW_SESSIONS_PER_MINUTE).

A client that starts sessions by the thousand would fill the stores and the register. Past
the cap an address gets no new session: pages still answer, as to any visitor without one,
and a change that would start one (a first add to the cart, a sign-in) gets a 429 before
its view runs, so nothing is half made. Visitors who have a session are never counted.
"""

from django.conf import settings
from django.http import HttpRequest

from shop import rate_limits

GROUP = "new-session"
REFUSED = "Too many new visitors from your address just now. Please wait a minute, then try again."


def per_minute(group: str, request: HttpRequest) -> str | None:
    """Read per request, so an overridden setting applies at once; None: no cap."""
    cap = settings.NEW_SESSIONS_PER_MINUTE
    return f"{cap}/m" if cap else None


def at_cap(request: HttpRequest) -> bool:
    """Whether this address has started all the sessions it may this minute (counts none)."""
    return rate_limits.reached(request, GROUP, per_minute)


def admitted(request: HttpRequest) -> bool:
    """Count a session starting now; False past the cap, for a page only: a change was
    checked before its view ran, and what it confirmed is kept."""
    return not rate_limits.count(request, GROUP, per_minute) or request.method == "POST"

import json
import os
import socket
import sqlite3
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views import defaults

from shop import engine_comparison, health
from shop.http import error_response, get_only, service_unavailable, wants_json
from shop.register.redaction import redact


@get_only
def healthz(request: HttpRequest) -> JsonResponse:
    body = health.report()
    return JsonResponse(body, status=200 if body["status"] == "ok" else 503)


@get_only
def state(request: HttpRequest) -> HttpResponse:
    """Where this visitor's state lives and what it holds; the four engines side by side."""
    session = request.session
    cookie = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    context = {
        "comparison": engine_comparison.comparison(),
        "backend": settings.SESSION_BACKEND,
        "place": session.place,
        "instance": instance(request),
        "has_session": bool(cookie) or not session.is_empty(),
        "session_bytes": session.stored_size(),
        "cookie_bytes": len(settings.SESSION_COOKIE_NAME) + 1 + len(cookie) if cookie else 0,
        "all_cookie_bytes": len(request.headers.get("Cookie", "")),
        "keys": sorted(session.keys()),
        "data": json.dumps(redact(dict(session.items())), indent=2, sort_keys=True, default=str),
    }
    return render(request, "state.html", context)


def instance(request: HttpRequest) -> str:
    """Which host and process answered: in development for anyone, in production for staff
    only (a host name and a PID help whoever maps a fleet to attack it)."""
    if not settings.DEBUG and not request.user.is_staff:
        return ""
    return f"{socket.gethostname()}, process {os.getpid()}"


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if wants_json(request):
        return error_response(request, "Not found.", 404)
    return defaults.page_not_found(request, exception)


DATABASE_UNAVAILABLE = "The shop cannot reach its database right now; please try again in a moment."
# PostgreSQL's classes for a connection that failed (08) or a server shutting down (57P).
CONNECTION_STATES = ("08", "57P")


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page for bugs; a 503 that says so when the database cannot be reached.
    Django calls this for an exception from any middleware or view (without DEBUG)."""
    if database_unreachable(sys.exc_info()[1]):
        return service_unavailable(request, DATABASE_UNAVAILABLE)
    return defaults.server_error(request)


def database_unreachable(error: BaseException | None) -> bool:
    """A connection refused, timed out, cut or closed (SQLite: locked) - not a missing table
    or a bad query, which are bugs and keep the 500."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if isinstance(cause, sqlite3.OperationalError):
        return "locked" in str(cause)
    state = getattr(cause, "sqlstate", None)
    return state is None or state.startswith(CONNECTION_STATES)  # None: no server answered


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if wants_json(request):
        return error_response(request, "Bad request.", 400)
    return defaults.bad_request(request, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    message = (
        "Your form had expired or was sent from another site, so nothing was changed. "
        "Go back, reload the page and try again."
    )
    return error_response(request, message, 403)

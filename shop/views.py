import json
import os
import socket
import sqlite3
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.views import defaults

from shop import engine_choice, engine_comparison, health
from shop.engine_questions import EngineQuestionsForm
from shop.http import error_response, get_only, service_unavailable, wants_json
from shop.register.redaction import redact


@get_only
def healthz(request: HttpRequest) -> JsonResponse:
    body = health.report()
    return JsonResponse(body, status=200 if body["status"] == "ok" else 503)


@get_only
def state(request: HttpRequest) -> HttpResponse:
    """Where this visitor's state lives and what it holds; which engine to choose, with a
    recommendation from the answers in the query; the engines side by side."""
    session = request.session
    cookie = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    context, status = choosing(request.GET)
    context |= {
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
    return render(request, "state.html", context, status=status)


def choosing(query: QueryDict) -> tuple[dict, int]:
    """The verdicts, the questions and, for valid answers, a recommendation; answers the
    form refuses come back beside their questions with a 400."""
    compared = engine_comparison.comparison()
    questions = EngineQuestionsForm.from_query(query)
    answered = questions.is_bound and questions.is_valid()
    context = {
        "comparison": compared,
        "ratio_meaning": engine_comparison.RATIO_MEANING,
        "verdicts": engine_choice.verdicts(compared),
        "questions": questions,
        "recommendation": engine_choice.recommend(questions.answers()) if answered else None,
    }
    return context, 400 if questions.is_bound and not answered else 200


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

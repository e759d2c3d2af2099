from importlib import import_module

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from shop.http import wants_json
from shop.sessions.outage import SESSIONS_UNAVAILABLE, SessionsUnavailable

RETRY_AFTER_SECONDS = 5


class SessionLockMiddleware:
    """Runs each state-changing request on a session alone, from the moment the session is
    read to the moment it is written, so concurrent changes all count. Sits before
    SessionMiddleware; GET requests, which change nothing that matters, never wait.

    When the session store cannot be reached (Redis down on the `redis` engine), a change is
    refused with a 503 and a page is served as to a visitor without a session."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.store = import_module(settings.SESSION_ENGINE).SessionStore

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return settled(request, self.get_response(request))
        try:
            with self.store.exclusive(request.COOKIES.get(settings.SESSION_COOKIE_NAME)):
                response = self.get_response(request)
        except SessionsUnavailable:
            return sessions_unavailable(request)
        return settled(request, response)


def settled(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The response, unless the session could not be read or written in this request."""
    if not getattr(getattr(request, "session", None), "unavailable", False):
        return response
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        return sessions_unavailable(request)  # the view's change to the session was not kept
    # The browser keeps its cookie: it still names the visitor's session for when Redis returns.
    response.cookies.pop(settings.SESSION_COOKIE_NAME, None)
    return response


def sessions_unavailable(request: HttpRequest) -> HttpResponse:
    # Rendered without the request: its context processors would read the missing session.
    if wants_json(request):
        response = JsonResponse({"error": SESSIONS_UNAVAILABLE}, status=503)
    else:
        page = render_to_string("error.html", {"message": SESSIONS_UNAVAILABLE, "status": 503})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from shop.http import wants_json
from shop.sessions.outage import SESSIONS_UNAVAILABLE, SessionsUnavailable

RETRY_AFTER_SECONDS = 5


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, changing each session one request at a time: Django
    writes a whole session at the end of a request, so two changes at once would lose one.

    A POST reads its session under the session's lock, in the same round trip (a row lock
    taken by the SELECT itself, or one Redis script), and the write that ends the request
    gives the lock up. GET requests never wait. When the store cannot be reached (Redis
    down on the `redis` engine), a change is refused with a 503 and a page is served as to
    a visitor without a session."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return settled(request, super().__call__(request))
        try:
            with self.SessionStore.changing():
                response = super().__call__(request)
        except SessionsUnavailable:
            return sessions_unavailable(request)
        return settled(request, response)

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        if request.method == "POST":
            request.session.hold()

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        try:
            return super().process_response(request, response)
        finally:
            if hasattr(request, "session"):
                request.session.let_go()  # if the write did not release the lock already


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

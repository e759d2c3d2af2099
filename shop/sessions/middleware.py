"""Django's session middleware, with each change to a session run alone."""

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.http import HttpRequest, HttpResponse

from shop.http import error_response, service_unavailable
from shop.sessions import admission
from shop.sessions.outage import SESSIONS_UNAVAILABLE, SessionsUnavailable


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's session middleware, changing each session one request at a time: Django
    writes a whole session at the end of a request, so two changes at once would lose one.

    A POST reads its session under the session's lock, in the same round trip (a row lock
    taken by the SELECT itself, or one Redis script), and the write that ends the request
    gives the lock up. Any other request reads without waiting; if it changed the session,
    it takes the lock at its end and writes only what it changed (rebase). When the store
    cannot be reached (Redis down on the `redis` engine), a change is refused with a 503
    and a page is served as to a visitor without a session."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return settled(request, super().__call__(request))
        try:
            with self.SessionStore.changing():
                response = super().__call__(request)
        except SessionsUnavailable:
            return sessions_unavailable(request)
        return settled(request, response)

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        super().process_request(request)
        if request.method == "POST":
            request.session.hold()
            if request.session.is_new() and admission.at_cap(request):
                return error_response(request, admission.REFUSED, 429)
        return None

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        try:
            if hasattr(request, "session") and request.session.needs_rebase():
                return self.rebased_response(request, response)
            return super().process_response(request, response)
        finally:
            if hasattr(request, "session"):
                request.session.let_go()  # if the write did not release the lock already

    def rebased_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """A request that changed its session without holding it (a GET: the cart page
        dropping a line gone off sale, a stamp renewed) writes, under the lock, only what it
        changed, onto the session as it is now: a change confirmed meanwhile is never undone."""
        with self.SessionStore.changing():
            try:
                request.session.rebase()
            except SessionsUnavailable:
                request.session.unavailable = True  # the page stands; its change is not kept
            return super().process_response(request, response)


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
    return service_unavailable(request, SESSIONS_UNAVAILABLE)

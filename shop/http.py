"""Small HTTP helpers shared by the apps: JSON or HTML answers, POST-only views, safe redirects."""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme


def wants_json(request: HttpRequest) -> bool:
    """True when the client asked for JSON first (browsers ask for HTML first)."""
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def error_response(
    request: HttpRequest,
    message: str,
    status: int,
    *,
    retry_after: int | None = None,
    template: str = "error.html",
) -> HttpResponse:
    """A clear message for the client: JSON for API callers, a page for people; with
    `retry_after`, the seconds a client should wait (a 429's cool-off)."""
    if wants_json(request):
        response = JsonResponse({"error": message}, status=status)
    else:
        context = {"message": message, "status": status}
        response = render(request, template, context, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


RETRY_AFTER_SECONDS = 5  # how long a 503 asks the client to wait before trying again


def service_unavailable(request: HttpRequest, message: str) -> HttpResponse:
    """A 503 with Retry-After for a store that cannot be reached (sessions, the database)."""
    if wants_json(request):
        response = JsonResponse({"error": message}, status=503)
    else:
        # Rendered without the request: its context processors read the session and the user.
        page = render_to_string("error.html", {"message": message, "status": 503})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def allow_only(*methods: str) -> Callable[[Callable], Callable]:
    """Like require_http_methods, but the 405 says what to do."""
    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method in allowed:
                return view(request, *args, **kwargs)
            message = f"This address only accepts {' or '.join(methods)} requests."
            response = error_response(request, message, 405)
            response["Allow"] = ", ".join(methods)
            return response

        return wrapper

    return decorator


post_only = allow_only("POST")
get_only = allow_only("GET")
form_view = allow_only("GET", "POST")


def is_on_this_site(request: HttpRequest, target: str | None) -> bool:
    """Whether a redirect target stays on this site (no open redirect, no HTTPS downgrade)."""
    return bool(target) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def redirect_back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """Go to the form's `next` or the referring page when it is on this site, else `fallback`."""
    for target in (request.POST.get("next"), request.headers.get("Referer")):
        if is_on_this_site(request, target):
            return HttpResponseRedirect(target)
    return HttpResponseRedirect(fallback)

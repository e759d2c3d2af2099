from functools import partial

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import get_user
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts import register

ENDED_MESSAGE = "This session was ended from another device or by staff. Please sign in again."


class SessionRegisterMiddleware:
    """Ends a session that was ended elsewhere, and keeps its register row current."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if register.ended_as_guest(request):
            request.session.flush()  # a cookie-engine guest: the old cookie is refused
        if request.method in ("GET", "HEAD", "OPTIONS"):
            request.user = SimpleLazyObject(partial(checked_user, request))
        else:
            request.user = checked_user(request)  # a change is checked before the view runs
        response = self.get_response(request)
        if response.status_code < 400:  # a refused request changes nothing, not even this
            register.sync(request)
        return response


def checked_user(request: HttpRequest):
    """The signed-in user, checked against their ended sessions only when a view reads it:
    the user row is loaded then anyway, so the check costs no query of its own."""
    user = get_user(request)
    if register.was_ended(request, user):
        request.user = user  # logout() reads it; the lazy object is still being set up
        logout(request)
        messages.info(request, ENDED_MESSAGE)
        return request.user
    return user

from functools import partial

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import get_user
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from shop.register import ending, rows
from shop.sessions import lifetime

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class SessionRegisterMiddleware:
    """Signs out a session that has ended (elsewhere, or by its lifetime), keeps its
    register row current and stamps its activity when due."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if ending.ended_as_guest(request):
            request.session.flush()  # a cookie-engine guest: the old cookie is refused
        if request.method in SAFE_METHODS:
            request.user = SimpleLazyObject(partial(checked_user, request))
        else:
            request.user = checked_user(request)  # a change is checked before the view runs
        response = self.get_response(request)
        if request.session.accessed and ending.was_ended_here(request.session):
            request.session.flush()  # read by a page that never asked who is signed in
        if response.status_code < 400:  # a refused request changes nothing, not even this
            rows.sync(request)
            lifetime.keep_alive(request.session)
        return response


def checked_user(request: HttpRequest):
    """The signed-in user, checked against how their session may have ended, only when a
    view reads it: the user row is loaded then anyway, so the check costs no query."""
    if ending.was_ended_here(request.session):
        request.session.flush()
        messages.info(request, ending.ENDED_MESSAGE)
    user = get_user(request)
    if reason := ending.why_ended(request.session, user):
        request.user = user  # logout() reads it; the lazy object is still being set up
        logout(request)
        messages.info(request, reason)
        return request.user
    return user

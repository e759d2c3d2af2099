from django.contrib import messages
from django.contrib.auth import logout

from accounts import register

ENDED_MESSAGE = "This session was ended from another device or by staff. Please sign in again."


class SessionRegisterMiddleware:
    """Signs out a session that was ended elsewhere, and keeps its register row current."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if register.was_ended(request):
            logout(request)
            messages.info(request, ENDED_MESSAGE)
        response = self.get_response(request)
        if response.status_code < 400:  # a refused request changes nothing, not even this
            register.sync(request)
        return response

from importlib import import_module

from django.conf import settings


class SessionLockMiddleware:
    """Runs each state-changing request on a session alone, from the moment the session is
    read to the moment it is written, so concurrent changes all count. Sits before
    SessionMiddleware; GET requests, which change nothing that matters, never wait."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.store = import_module(settings.SESSION_ENGINE).SessionStore

    def __call__(self, request):
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if request.method != "POST" or not session_key:
            return self.get_response(request)
        with self.store.exclusive(session_key):
            return self.get_response(request)

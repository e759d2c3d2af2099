"""Sign-in throttling (django-axes): what a client that is locked out is told."""

from math import ceil

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from shop.http import error_response


def lockout_message() -> str:
    minutes = ceil(settings.SIGNIN_COOLOFF_SECONDS / 60)
    wait = "1 minute" if minutes == 1 else f"{minutes} minutes"
    return (
        "Too many failed sign-ins for this username from your address. "
        f"Please wait {wait} before you try again: every attempt until then, "
        "even with the right password, starts the wait again."
    )


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE, for the shop's sign-in and the admin's: a 429 that looks like
    the shop (JSON for JSON clients), in place of the form's answer."""
    return error_response(
        request,
        lockout_message(),
        429,
        retry_after=settings.SIGNIN_COOLOFF_SECONDS,
        template="accounts/locked_out.html",
    )

"""Password reset with Django's own views: a one-time link by mail, rate-limited requests,
and every session of the user ended once the new password is set."""

from collections.abc import Callable

from axes.utils import reset as reset_sign_in_failures
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django_ratelimit.decorators import ratelimit

from accounts import ending, notices
from shop.http import error_response

RATE_LIMITED = (
    "Too many password reset requests from your address or for that email address. "
    "Please wait a while, then try again."
)


def reset_rate(group: str, request: HttpRequest) -> str:
    """Read per request, so an overridden setting applies at once."""
    return settings.PASSWORD_RESET_RATE


def submitted_email(group: str, request: HttpRequest) -> str:
    """The address as the form looks it up: case and spaces make no new address to count."""
    return request.POST.get("email", "").strip().lower()


def counted_per(key: str | Callable[[str, HttpRequest], str], group: str) -> Callable:
    """Count POSTs per key and set `request.limited` past the rate; the view answers."""
    return method_decorator(
        ratelimit(group=group, key=key, rate=reset_rate, method="POST", block=False)
    )


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer for any address; a mail only to an account's own address."""

    http_method_names = ["get", "head", "post"]
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_sent")

    @counted_per("ip", "password-reset-ip")
    @counted_per(submitted_email, "password-reset-email")
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.limited:
            return error_response(request, RATE_LIMITED, 429)
        return super().post(request, *args, **kwargs)


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's token check: the link stops working once the password changes."""

    http_method_names = ["get", "head", "post"]
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        ending.end_all_sessions(form.user)
        notices.password_changed(form.user)
        # Whoever holds the mailbox may sign in at once, even if sign-in was paused for them.
        reset_sign_in_failures(username=form.user.get_username())
        return response

    def render_to_response(self, context: dict, **kwargs) -> HttpResponse:
        if not context["validlink"]:
            kwargs["status"] = 400  # used, expired or garbled: nothing to act on
        return super().render_to_response(context, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_done.html"

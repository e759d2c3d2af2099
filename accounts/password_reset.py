"""Password reset with Django's own views: a one-time link by mail, rate-limited requests,
and every session of the user ended once the new password is set."""

import unicodedata
from collections.abc import Callable

from axes.utils import reset as reset_sign_in_failures
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest, HttpResponse
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django_ratelimit.decorators import ratelimit

from accounts import notices
from shop import rate_limits
from shop.client_ip import client_ip
from shop.http import error_response
from shop.register import ending
from shop.register.models import SessionRecord

RATE_LIMITED = (
    "Too many password reset requests from your address or for that email address. "
    "Please wait a while, then try again."
)


def reset_rate(group: str, request: HttpRequest) -> str:
    """Read per request, so an overridden setting applies at once."""
    return settings.PASSWORD_RESET_RATE


def submitted_email(group: str, request: HttpRequest) -> str:
    """The address as Django matches it to accounts (NFKC, case-folded): no other spelling of
    one address ("ſtaff@…" for "staff@…") makes a new one to count."""
    return unicodedata.normalize("NFKC", request.POST.get("email", "").strip()).casefold()


def from_the_owners_address(request: HttpRequest) -> bool:
    """Whether the account asked for has had a session from this client address: its
    owner's way to a reset mail, which requests from anywhere else cannot use up."""
    email = request.POST.get("email", "").strip()
    owners = [user.pk for user in PasswordResetForm().get_users(email)]
    return (
        bool(owners)
        and SessionRecord.objects.filter(user__in=owners, ip_address=client_ip(request)).exists()
    )


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
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.limited or self.limited_for_the_email(request):
            return error_response(request, RATE_LIMITED, 429)
        return super().post(request, *args, **kwargs)

    @staticmethod
    def limited_for_the_email(request: HttpRequest) -> bool:
        """Requests for one address are limited, but for those from where its owner signs in."""
        if from_the_owners_address(request):
            return False
        return rate_limits.count(request, "password-reset-email", reset_rate, submitted_email)


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

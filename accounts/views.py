"""Sign up, sign in, sign out and change password: Django's auth, on every session engine."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts import notices
from accounts.forms import SignInForm, SignUpForm
from shop import rate_limits
from shop.http import error_response, is_on_this_site, post_only
from shop.register import devices, ending
from shop.sessions import lifetime

SIGNUPS_LIMITED = "Too many new accounts from your address. Please wait a while, then try again."


def signup_rate(group: str, request: HttpRequest) -> str | None:
    """Read per request, so an overridden setting applies at once."""
    return settings.SIGNUP_RATE


def safe_next(request: HttpRequest) -> str:
    """The form's `next` when it points into this site, else an empty string."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    return target if is_on_this_site(request, target) else ""


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password1", "password2")
@never_cache
def signup(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and rate_limits.reached(request, "signup", signup_rate):
        return error_response(request, SIGNUPS_LIMITED, 429)
    form = SignUpForm(request.POST) if request.method == "POST" else SignUpForm()
    if form.is_valid():
        user = form.save()
        rate_limits.count(request, "signup", signup_rate)  # an account made, not a typo
        # login() rotates the session key and keeps the guest's data, so the cart comes along.
        # The backend is named: axes' lockout check is a backend too, one that signs no one in.
        auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Your account was created.")
        return redirect(safe_next(request) or settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/signup.html", {"form": form, "next": safe_next(request)})


class SignInView(LoginView):
    """Django's LoginView (safe `next`, key rotation), plus "remember me"."""

    form_class = SignInForm
    template_name = "accounts/login.html"

    def form_valid(self, form: SignInForm) -> HttpResponse:
        response = super().form_valid(form)
        lifetime.begin(self.request.session, remember=form.cleaned_data["remember_me"])
        user = form.get_user()
        name = user.get_short_name() or user.get_username()
        messages.success(self.request, f"Welcome back, {name}.")
        return response


@post_only
def logout(request: HttpRequest) -> HttpResponse:
    # logout() flushes the session: the stored copy is deleted and the cookie cleared.
    auth_logout(request)
    messages.success(request, "You have been signed out.")
    return redirect(settings.LOGOUT_REDIRECT_URL)


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@never_cache
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PasswordChangeForm(request.user, request.POST)
    else:
        form = PasswordChangeForm(request.user)
    if form.is_valid():
        user = form.save()
        # Keeps this session signed in; other sessions fail their password-hash check.
        update_session_auth_hash(request, user)
        notices.password_changed(user)
        ended = ending.end_others(user, request.session)
        messages.success(request, "Your password was changed. You are still signed in here.")
        if ended:
            messages.info(request, f"We signed you out on {devices.others(ended)}.")
        return redirect("accounts:password_change")
    return render(request, "accounts/password_change.html", {"form": form})

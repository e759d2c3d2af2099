"""'Your devices': a signed-in user's own sessions, and ending them, on any engine."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from shop.http import get_only, post_only
from shop.register import devices, ending, rows
from shop.register.models import SessionRecord


@get_only
@login_required
def sessions(request: HttpRequest) -> HttpResponse:
    """The signed-in user's devices: every active session of theirs, on any engine."""
    current = rows.current_public_id(request.session)
    records = SessionRecord.objects.active().filter(user=request.user).order_by("-last_seen")
    listed = [
        (record, *devices.describe(record.user_agent), record.public_id == current)
        for record in records
    ]
    return render(request, "register/sessions.html", {"rows": listed})


@post_only
@login_required
def revoke_session(request: HttpRequest, public_id: str) -> HttpResponse:
    record = get_object_or_404(
        SessionRecord.objects.active(), public_id=public_id, user=request.user
    )
    if record.public_id == rows.current_public_id(request.session):
        auth_logout(request)
        messages.success(request, "You have been signed out.")
        return redirect(settings.LOGOUT_REDIRECT_URL)
    ending.end_sessions(SessionRecord.objects.filter(pk=record.pk))
    device, browser = devices.describe(record.user_agent)
    messages.success(request, f"Signed out {device} ({browser}).")
    return redirect("register:sessions")


@post_only
@login_required
def revoke_other_sessions(request: HttpRequest) -> HttpResponse:
    ended = ending.end_others(request.user, request.session)
    if ended:
        messages.success(request, f"Signed out {devices.others(ended)}.")
    else:
        messages.info(request, "You were not signed in anywhere else.")
    return redirect("register:sessions")

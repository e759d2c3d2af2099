from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from shop.register import ending


@receiver(user_logged_out, dispatch_uid="register-end-row")
def end_session_at_sign_out(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        ending.end_current(request.session, user)

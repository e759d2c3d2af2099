from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from accounts import register


@receiver(user_logged_out, dispatch_uid="accounts-end-register-row")
def end_row_at_sign_out(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        register.end_current(request.session)

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from accounts import ending
from shop.sessions import lifetime


@receiver(user_logged_in, dispatch_uid="accounts-begin-lifetime")
def begin_lifetime_at_sign_in(sender, request, user, **kwargs) -> None:
    # Every sign-in (shop, admin, sign-up) starts unremembered; the sign-in form may extend it.
    if request is not None and hasattr(request, "session"):
        lifetime.begin(request.session, remember=False)


@receiver(user_logged_out, dispatch_uid="accounts-end-register-row")
def end_session_at_sign_out(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        ending.end_current(request.session, user)

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from shop.sessions import lifetime


@receiver(user_logged_in, dispatch_uid="accounts-begin-lifetime")
def begin_lifetime_at_sign_in(sender, request, user, **kwargs) -> None:
    # Every sign-in (shop, admin, sign-up) starts unremembered; the sign-in form may extend it.
    if request is not None and hasattr(request, "session"):
        lifetime.begin(request.session, remember=False)

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from shop.orders import checkout


@receiver(user_logged_in, dispatch_uid="orders-renew-checkout-token")
def renew_checkout_token(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        checkout.renew_token(request.session)

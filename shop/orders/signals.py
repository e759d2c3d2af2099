from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from shop.orders import checkout
from shop.orders.models import Order


@receiver(user_logged_in, dispatch_uid="orders-renew-checkout-token")
def renew_checkout_token(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        checkout.renew_token(request.session)


@receiver(user_logged_in, dispatch_uid="orders-take-guest-orders-into-the-account")
def take_guest_orders_into_the_account(sender, request, user, **kwargs) -> None:
    """The guest orders this session placed join the account when their email is the
    account's; none is carried into anyone else's (a shared computer), and the session
    forgets them all, so each is the account's or no one's here from now on."""
    if request is None or not hasattr(request, "session"):
        return
    if numbers := checkout.read_orders(request.session):
        if user.email:
            mine = Order.objects.filter(number__in=numbers, user=None, email__iexact=user.email)
            mine.update(user=user)
        checkout.forget_orders(request.session)

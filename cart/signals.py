from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from cart.services import merge_saved_cart
from cart.telling import tell


@receiver(user_logged_in, dispatch_uid="cart-merge-saved-cart")
def merge_cart_at_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        tell(request, merge_saved_cart(session=request.session, user=user))

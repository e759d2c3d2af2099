"""The cart's notices, told to the shopper as Django messages: where what the cart services
return becomes words on the next page, for the cart's views and checkout's."""

from django.contrib import messages
from django.http import HttpRequest

from cart import services
from cart.services import CartView, Notices

# Extra tags of the cart's own messages: base.html's message list adds the cart's links to
# an "Added" message and an Undo button to a "Removed" one (cart_tags.cart_message_actions).
ADDED_TAG = "cart-added"
UNDO_TAG = "cart-undo"


def tell(request: HttpRequest, notices: Notices) -> None:
    for notice in notices:
        say = messages.warning if notice.warning else messages.info
        say(request, notice.text, fail_silently=True)


def reconciled(request: HttpRequest) -> CartView:
    """The visitor's cart against today's catalog, with what changed told to them."""
    cart, notices = services.reconciled_cart(session=request.session, user=request.user)
    tell(request, notices)
    return cart

"""The order confirmation, sent once the order is committed."""

from shop.mail import send_afterwards
from shop.orders.models import Order
from shop.orders.payment import METHODS


def send_confirmation(order_id: int) -> None:
    """A mail server that is down costs the mail, never the order (it is already placed)."""
    order = Order.objects.prefetch_related("lines").get(pk=order_id)
    payment = METHODS[order.payment_method].describe(order)
    send_afterwards(
        f"Your Larder & Loom order {order.number}",
        "orders/confirmation_email.txt",
        {"order": order, "payment": payment},
        order.email,
    )

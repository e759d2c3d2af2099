"""The order confirmation, sent once the order is committed."""

import logging

from django.core.mail import send_mail
from django.template.loader import render_to_string

from shop.orders.models import Order
from shop.orders.payment import METHODS

logger = logging.getLogger("shop.orders.mail")


def send_confirmation(order_id: int) -> None:
    """A mail server that is down costs the mail, never the order (it is already placed)."""
    order = Order.objects.prefetch_related("lines").get(pk=order_id)
    payment = METHODS[order.payment_method].describe(order)
    body = render_to_string("orders/confirmation_email.txt", {"order": order, "payment": payment})
    try:
        send_mail(f"Your Larder & Loom order {order.number}", body, None, [order.email])
    except Exception as error:  # noqa: BLE001  the order is committed: no error may undo the page
        logger.warning("Could not send the confirmation of order %s: %s", order.number, error)

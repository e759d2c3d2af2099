"""What staff do with a placed order: ship it, or cancel it and put its stock back."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shop.catalog.models import Product
from shop.orders.models import Order, Status
from shop.orders.payment import METHODS


class CannotChange(Exception):
    pass


def ship(order_id: int) -> Order:
    with transaction.atomic():
        order = placed_order(order_id, "shipped")
        order.status, order.shipped_at = Status.SHIPPED, timezone.now()
        order.save(update_fields=["status", "shipped_at"])
    return order


def cancel(order_id: int) -> Order:
    """Cancel a placed order: its stock goes back on sale and its payment is released."""
    with transaction.atomic():
        order = placed_order(order_id, "cancelled")
        for line in order.lines.filter(product__isnull=False).order_by("product_id"):
            Product.objects.filter(pk=line.product_id).update(stock=F("stock") + line.quantity)
        order.status, order.cancelled_at = Status.CANCELLED, timezone.now()
        order.payment_status = METHODS[order.payment_method].cancel(order)
        order.save(update_fields=["status", "cancelled_at", "payment_status"])
    return order


def placed_order(order_id: int, becoming: str) -> Order:
    """The order, locked, if it is still only placed (twice shipped or cancelled is refused)."""
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.status != Status.PLACED:
        raise CannotChange(f"Order {order.number} is {order.status}: it cannot be {becoming}.")
    return order

"""Placing an order: all of it, once, or nothing.

One transaction claims the checkout's token (a second placing of the same checkout fails on
its unique index and finds the first order), locks the products in id order, checks and
takes their stock, writes the lines and empties the user's cart on every device."""

from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F

from cart import services as cart_services
from shop.catalog.models import Product
from shop.orders.addresses import ADDRESS_FIELDS
from shop.orders.mail import send_confirmation
from shop.orders.models import Order, OrderLine, SavedAddress
from shop.orders.payment import PAYMENT, PaymentMethod
from shop.orders.quotes import Quote


class NotPlaced(Exception):
    """Nothing was placed; the message says why, for the shopper."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SoldOut(NotPlaced):
    pass


class PriceChanged(NotPlaced):
    pass


class AlreadyPlaced(Exception):
    def __init__(self, order: Order):
        super().__init__(order.number)
        self.order = order


NUMBER_ATTEMPTS = 3  # a new number after the (about 1 in 10^17) chance of a clash


def place_order(*, quote: Quote, token: str, user, email: str, payment: PaymentMethod = PAYMENT):
    for _ in range(NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                return create_order(quote, token, user, email, payment)
        except IntegrityError:
            if earlier := Order.objects.filter(checkout_token=token).first():
                raise AlreadyPlaced(earlier) from None
    raise IntegrityError("No free order number after several attempts.")


def create_order(quote: Quote, token: str, user, email: str, payment: PaymentMethod) -> Order:
    if not quote.lines:
        raise NotPlaced("Nothing in your cart can be ordered now.")
    owner = user if user.is_authenticated else None
    # First, so a second placing of this checkout waits here and then fails on the token.
    order = Order.objects.create(
        checkout_token=token,
        user=owner,
        email=email,
        **{name: quote.address[name] for name in ADDRESS_FIELDS},
        delivery_method=quote.delivery.code,
        delivery_price=quote.delivery.price,
        delivery_by=quote.delivery.arrives_by(),
        subtotal=quote.subtotal,
        total=quote.total,
        payment_method=payment.code,
        payment_status="pending",
    )
    take_stock(quote)
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            product=line.product,
            product_name=line.product.name,
            unit_price=line.unit_price,
            quantity=line.quantity,
            line_total=line.line_total,
        )
        for line in quote.lines
    )
    order.payment_status = payment.take(order)
    order.save(update_fields=["payment_status"])
    if owner:
        cart_services.empty_everywhere(user=owner)
        remember_address(owner, quote.address)
    transaction.on_commit(partial(send_confirmation, order.pk))
    return order


def take_stock(quote: Quote) -> None:
    """Lock the products (in id order, so two orders never wait on each other), then take
    what each line needs, or raise before anything is taken."""
    wanted = {line.product.id: line for line in quote.lines}
    locked = Product.objects.select_for_update().filter(pk__in=wanted).order_by("pk")
    products = {product.pk: product for product in locked}
    for product_id, line in wanted.items():
        product = products.get(product_id)
        if product is None or not product.active or product.stock < line.quantity:
            left = product.stock if product and product.active else 0
            raise SoldOut(sold_out_message(line.product.name, left))
        if product.price != line.unit_price:
            raise PriceChanged(f"The price of {product.name} has just changed.")
    for product_id, line in wanted.items():
        Product.objects.filter(pk=product_id).update(stock=F("stock") - line.quantity)


def sold_out_message(name: str, left: int) -> str:
    if left:
        return f"Only {left} of {name} left: someone else ordered the rest while you checked out."
    return f"{name} sold out while you were checking out."


def remember_address(user, address: dict[str, str]) -> None:
    fields = {name: address[name] for name in ADDRESS_FIELDS}
    saved, created = SavedAddress.objects.get_or_create(user=user, **fields)
    if not created:
        saved.save(update_fields=["last_used"])

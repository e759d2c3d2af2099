"""What an order would be if placed now: the cart at today's prices, delivery and totals."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from cart.services import CartLine, CartView
from shop.orders.addresses import address_lines
from shop.orders.checkout import Progress
from shop.orders.delivery import METHODS, DeliveryMethod


@dataclass(frozen=True)
class Quote:
    lines: list[CartLine]
    delivery: DeliveryMethod
    address: dict[str, str]

    @property
    def subtotal(self) -> Decimal:
        return sum((line.line_total for line in self.lines), Decimal("0.00"))

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.delivery.price

    @property
    def over_limit(self) -> str | None:
        """Why the order is too large to place (ORDER_MAX_VALUE), if it is: paid on delivery,
        it costs whoever orders nothing until the door."""
        if self.total <= settings.ORDER_MAX_VALUE:
            return None
        return (
            f"One order can come to at most £{settings.ORDER_MAX_VALUE}, paid on delivery; this "
            f"one is £{self.total}. Remove something from your cart, then place it."
        )

    @property
    def address_lines(self) -> list[str]:
        return address_lines(self.address)

    @property
    def price_changes(self) -> list[CartLine]:
        """Lines whose price is not the one they were added to the cart at."""
        return [line for line in self.lines if line.price_changed]

    @property
    def fingerprint(self) -> str:
        """Names everything the shopper agrees to by placing: the review page sends it back,
        so an order is placed only as it was shown."""
        return self.fingerprint_under(settings.SECRET_KEY)

    def fingerprint_under(self, secret: str) -> str:
        shown = (
            [(line.product.id, line.quantity, str(line.unit_price)) for line in self.lines],
            self.delivery.code,
            str(self.delivery.price),
            sorted(self.address.items()),
        )
        digest = salted_hmac("shop.orders.quote", repr(shown), secret, algorithm="sha256")
        return digest.hexdigest()[:24]

    def was_shown_as(self, fingerprint: str) -> bool:
        """Whether a review page showed this order, under the secret key or a fallback one:
        a page rendered before the key was rotated can still be placed."""
        secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
        return any(constant_time_compare(fingerprint, self.fingerprint_under(s)) for s in secrets)


def quote(cart: CartView, progress: Progress) -> Quote:
    """The order as it stands, for a cart already checked against the catalog."""
    assert progress.address is not None and progress.delivery is not None
    return Quote(cart.lines, METHODS[progress.delivery], progress.address)

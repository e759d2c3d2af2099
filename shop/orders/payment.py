"""How an order is paid for. The shop offers pay on delivery only; a card provider would be
another class with the same three methods, chosen where `PAYMENT` is."""

from typing import Protocol


class PaymentMethod(Protocol):
    code: str
    label: str

    def take(self, order) -> str:
        """Called while the order is being placed, inside its transaction: secure the
        money (a provider would authorise the card here) and return the order's payment
        status. An exception stops the order from being placed."""

    def cancel(self, order) -> str:
        """The order was cancelled: release or refund the money; return the new status."""

    def describe(self, order) -> str:
        """One sentence for the customer about this order's payment."""


class PayOnDelivery:
    code = "on_delivery"
    label = "Pay on delivery"

    def take(self, order) -> str:
        return "due"

    def cancel(self, order) -> str:
        return "void"

    def describe(self, order) -> str:
        if order.payment_status == "void":
            return "Nothing to pay: the order was cancelled."
        return f"Pay £{order.total} when your order arrives, by card or cash."


PAYMENT: PaymentMethod = PayOnDelivery()
METHODS = {PAYMENT.code: PAYMENT}

"""How an order travels: each method's price and the working day it arrives by."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone


@dataclass(frozen=True)
class DeliveryMethod:
    code: str
    name: str
    price: Decimal
    working_days: int

    def arrives_by(self, today: date | None = None) -> date:
        return add_working_days(today or timezone.localdate(), self.working_days)

    @property
    def label(self) -> str:
        return f"{self.name}: £{self.price}, arrives by {self.arrives_by():%A %-d %B}"


METHODS = {
    method.code: method
    for method in (
        DeliveryMethod("standard", "Standard", Decimal("3.95"), working_days=4),
        DeliveryMethod("express", "Express", Decimal("8.95"), working_days=1),
    )
}


def add_working_days(day: date, count: int) -> date:
    """The date `count` working days (Monday to Friday) after `day`."""
    while count:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day

"""How the admin writes values people read: money with its currency, times in one format
with how long ago, and codes (countries, delivery, payment) as words."""

from datetime import datetime
from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils import timezone
from django.utils.formats import date_format

EMPTY = "—"


def money(amount: Decimal | None) -> str:
    """Pounds, as the storefront shows them, with thousands grouped for big sums."""
    if amount is None:
        return EMPTY
    return f"£{amount:,.2f}"


def moment(value: datetime | None) -> str:
    """The admin's date-and-time format (as its lists show it) and how far from now."""
    if value is None:
        return EMPTY
    return f"{date_format(timezone.localtime(value), 'DATETIME_FORMAT')} ({naturaltime(value)})"


def words(code: str) -> str:
    """A code without a label of its own ("on_delivery") as words ("On delivery")."""
    return code.replace("_", " ").capitalize() if code else EMPTY

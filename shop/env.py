"""The environment, read one way for every setting: an unset variable means the default, and
a bad value stops start-up with an error that names the variable and what it takes. A string
set empty stays empty (SESSION_BACKEND="" is refused, not taken for the default); a number,
flag, rate or address list set empty means its default, as empty cannot be one."""

import ipaddress
import os
import re
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_typed(name: str, default: str) -> str:
    """The text of a typed value: empty, like unset, means the default."""
    return os.environ.get(name) or default


def env_flag(name: str, default: bool) -> bool:
    value = env_typed(name, "1" if default else "0")
    if value not in ("0", "1"):
        raise ImproperlyConfigured(f"{name} must be 1 or 0, not {value!r}.")
    return value == "1"


def env_seconds(name: str, default: int, *, minimum: int = 1) -> int:
    """A whole number of seconds; 0 only where it means "off" (minimum=0)."""
    value = env_typed(name, str(default))
    if not re.fullmatch(r"[0-9]+", value) or int(value) < minimum:
        raise ImproperlyConfigured(f"{name} must be a whole number of seconds, not {value!r}.")
    return int(value)


def env_count(name: str, default: int) -> int:
    value = env_typed(name, str(default))
    if not re.fullmatch(r"[1-9][0-9]*", value):
        raise ImproperlyConfigured(f"{name} must be a whole number above 0, not {value!r}.")
    return int(value)


def env_money(name: str, default: str) -> Decimal:
    value = env_typed(name, default)
    if not re.fullmatch(r"[0-9]{1,7}(\.[0-9]{1,2})?", value) or Decimal(value) <= 0:
        raise ImproperlyConfigured(f"{name} must be an amount above 0 like 500.00, not {value!r}.")
    return Decimal(value).quantize(Decimal("0.01"))


def env_rate(name: str, default: str) -> str:
    """A django-ratelimit rate: how many per period (s, m, h, d), e.g. 5/h or 20/15m."""
    value = env_typed(name, default)
    if not re.fullmatch(r"[1-9][0-9]*/([1-9][0-9]*)?[smhd]", value):
        raise ImproperlyConfigured(f"{name} must be a count per period like 5/h, not {value!r}.")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    """Comma-separated items, blanks dropped; set empty, an empty list."""
    return split(env_str(name, default))


def env_networks(name: str, default: str) -> list[str]:
    """Comma-separated addresses or networks, e.g. 127.0.0.1,10.0.0.0/8."""
    items = split(env_typed(name, default))
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            message = f"{name} must list addresses or networks like 10.0.0.0/8, not {item!r}."
            raise ImproperlyConfigured(message) from None
    return items


def split(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]

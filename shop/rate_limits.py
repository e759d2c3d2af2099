"""Limits that count only real attempts, on django-ratelimit's counters (the rate_limits
cache every instance shares): ask whether the limit is reached, which counts nothing, and
count once a request turns out to be a real attempt. So nobody can use up the limit of
everyone behind the same address with requests that change nothing."""

from collections.abc import Callable

from django.http import HttpRequest
from django_ratelimit.core import get_usage

Rate = Callable[[str, HttpRequest], str | None]  # read per request: None means no limit
Key = str | Callable[[str, HttpRequest], str]  # "ip" (the client's address), or what to count by


def reached(request: HttpRequest, group: str, rate: Rate, key: Key = "ip") -> bool:
    """Whether `key` has used up `rate` (a counter that fails counts as used up)."""
    usage = get_usage(request, group=group, key=key, rate=rate, increment=False)
    return usage is not None and usage["count"] >= usage["limit"]


def count(request: HttpRequest, group: str, rate: Rate, key: Key = "ip") -> bool:
    """Count an attempt; whether it went past the limit."""
    usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
    return usage is not None and usage["should_limit"]

"""Who is asking: the client's address, as the proxy in front of the shop saw it."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR; behind the TLS proxy (DJANGO_BEHIND_TLS_PROXY=1), the last address in
    X-Forwarded-For, the one the proxy appended: any before it are what the client claimed."""
    if settings.BEHIND_TLS_PROXY:
        appended = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        if is_ip_address(appended):
            return appended
    return request.META.get("REMOTE_ADDR") or None


def lockout_address(request: HttpRequest) -> str:
    """Where sign-in failures are counted from: an IPv6 client's whole /64, which anyone gets
    for free, so rotating addresses inside it buys no more guesses."""
    ip = client_ip(request) or ""
    if is_ip_address(ip) and ipaddress.ip_address(ip).version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return ip


def is_ip_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True

"""Who is asking: the client's address, as the proxy in front of the shop saw it."""

import functools
import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The peer's address; when the peer is one of DJANGO_TRUSTED_PROXIES, the address that
    proxy appended to X-Forwarded-For (the last one). Any before it are what the client
    claimed, and a client that reaches the shop directly cannot claim anything."""
    peer = plain(request.META.get("REMOTE_ADDR") or None)
    if not is_trusted_proxy(peer):
        return peer
    appended = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
    return plain(appended) if is_ip_address(appended) else peer


def plain(address: str | None) -> str | None:
    """An IPv4 client seen through a dual-stack socket (::ffff:198.51.100.7) as IPv4, so it is
    not counted in the /64 that every such address shares."""
    if not address or not is_ip_address(address):
        return address
    mapped = getattr(ipaddress.ip_address(address), "ipv4_mapped", None)
    return str(mapped) if mapped else address


def is_trusted_proxy(address: str | None) -> bool:
    if not address or not is_ip_address(address):
        return False
    peer = ipaddress.ip_address(address)
    return any(peer in network for network in trusted_networks(tuple(settings.TRUSTED_PROXIES)))


@functools.cache
def trusted_networks(
    proxies: tuple[str, ...],
) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(proxy, strict=False) for proxy in proxies]


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

from django.http import HttpRequest

from shop.orders import checkout


def orders(request: HttpRequest) -> dict:
    """Whether the header links to orders for a guest: one placed in this session."""
    session = getattr(request, "session", None)
    return {"has_orders_here": bool(session and checkout.read_orders(session))}

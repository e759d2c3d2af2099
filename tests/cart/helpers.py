from cart import session_cart

JSON = {"HTTP_ACCEPT": "application/json"}


def cart_of(client) -> dict[int, int]:
    """Product id -> quantity, as stored in the client's session on the engine under test."""
    return {pid: entry.quantity for pid, entry in session_cart.read(client.session).items()}


def add(client, product, quantity="1", **extra):
    return client.post(f"/cart/add/{product.id}/", {"quantity": quantity}, **extra)

"""Small builders for catalog tests, and a way to plant values in any engine's session."""

from decimal import Decimal
from itertools import count

from django.conf import settings
from django.test import Client

from shop.catalog.models import Category, Product

_numbers = count(1)


def create_category(name: str = "Pantry", slug: str | None = None) -> Category:
    slug = slug or name.lower().replace(" ", "-")
    category, _ = Category.objects.get_or_create(slug=slug, defaults={"name": name})
    return category


def create_product(**fields) -> Product:
    n = next(_numbers)
    defaults = {
        "name": f"Item {n:03d}",
        "slug": f"item-{n:03d}",
        "description": "A good thing for the kitchen.",
        "price": Decimal("5.00"),
        "stock": 10,
    }
    defaults.update(fields)
    if "category" not in defaults:
        defaults["category"] = create_category()
    return Product.objects.create(**defaults)


def put_in_session(client: Client, **values) -> None:
    """Store values as if an earlier request had, on whichever engine the client uses."""
    session = client.session
    session.update(values)
    session.save()
    # A signed-cookie session's key is its data, so the cookie must be set again.
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key

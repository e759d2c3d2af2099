"""The catalog tests' builders (tests/factories.py), and a way to plant values in any
engine's session."""

from django.conf import settings
from django.test import Client

from shop.catalog.models import Category, Product
from tests.factories import CategoryFactory, ProductFactory


def create_category(name: str = "Pantry", slug: str | None = None) -> Category:
    return CategoryFactory(name=name, **({"slug": slug} if slug else {}))


def create_product(**fields) -> Product:
    return ProductFactory(**fields)


def put_in_session(client: Client, **values) -> None:
    """Store values as if an earlier request had, on whichever engine the client uses."""
    session = client.session
    session.update(values)
    session.save()
    # A signed-cookie session's key is its data, so the cookie must be set again.
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key

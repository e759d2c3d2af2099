"""Users, categories and products for tests, built one way (factory-boy): keyword arguments
override the defaults, and every object gets its own name."""

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory, Password

from shop.catalog.models import Category, Product

PASSWORD = "plum-jam-tart-41"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"shopper{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = Password(PASSWORD)


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = "Pantry"
    slug = factory.LazyAttribute(lambda category: category.name.lower().replace(" ", "-"))


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    description = "A good thing for the kitchen."
    price = "6.25"
    stock = 20


def make_user(username: str = "ada", email: str | None = None, password: str = PASSWORD):
    """A user who signs in with `password` (PASSWORD unless told)."""
    return UserFactory(
        username=username, email=email or f"{username}@example.com", password=password
    )

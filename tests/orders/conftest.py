import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """A real hasher costs most of a second per password; these tests check checkout."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def jam(make_product):
    return make_product(name="Raspberry Jam", price="4.50", stock=10)


@pytest.fixture
def tea(make_product):
    return make_product(name="Breakfast Tea", price="6.25", stock=10)

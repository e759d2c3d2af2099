import pytest

from tests.register.helpers import redis_commands  # noqa: F401  a fixture, used by name


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """A real hasher costs most of a second per password; these tests check flows, not hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """A real hasher costs most of a second per password; these tests check sessions."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

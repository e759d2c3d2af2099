import pytest
from django.test import Client, override_settings

from shop.sessions.config import session_settings
from tests.services import REDIS_URL


@pytest.fixture
def plain_client(db) -> Client:
    """A client for pages whose session use does not matter to the test."""
    return Client()


@pytest.fixture
def cookie_client(db) -> Client:
    """A client on signed-cookie sessions, so query counts hold only the page's own queries."""
    with override_settings(**session_settings("cookie", REDIS_URL)):
        yield Client()

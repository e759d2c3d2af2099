"""Sessions made on one engine, then met by the shop on another with SESSION_MIGRATE_FROM:
every ordered pair of the four engines, on the real stores."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client, override_settings

from shop.sessions.config import REDIS_BACKENDS, session_settings, store_class
from tests.conftest import REDIS_TEST_PREFIX, delete_test_keys
from tests.register.helpers import fast_password_hashing, redis_commands  # noqa: F401  fixtures
from tests.services import REDIS_URL, engines_under_test, require_redis

ENGINES = engines_under_test()
PAIRS = [(old, new) for old in ENGINES for new in ENGINES if old != new]


@dataclass(frozen=True)
class Switch:
    """The shop before (`old`) and after (`new`, moving sessions in from `old`)."""

    old: str
    new: str

    @contextmanager
    def before(self, **overrides) -> Iterator[None]:
        with override_settings(**session_settings(self.old, REDIS_URL, REDIS_TEST_PREFIX)):
            with override_settings(**overrides):
                yield

    @contextmanager
    def after(self, redis_url: str = REDIS_URL, **overrides) -> Iterator[None]:
        stores = session_settings(self.new, redis_url, REDIS_TEST_PREFIX, migrate_from=self.old)
        with override_settings(**stores), override_settings(**overrides):
            yield

    @contextmanager
    def done(self) -> Iterator[None]:
        """Once every session has moved: the new engine alone."""
        with override_settings(**session_settings(self.new, REDIS_URL, REDIS_TEST_PREFIX)):
            yield

    @property
    def share_rows(self) -> bool:
        """db and redis_db keep sessions in the same table: nothing has to move."""
        return store_class(self.old).kept_in_database and store_class(self.new).kept_in_database

    def old_store_holds(self, cookie: str) -> bool:
        with self.before():
            old_store = store_class(self.old)
            return old_store.server_side and old_store().exists(cookie)


@pytest.fixture(params=PAIRS, ids="->".join)
def switch(request, transactional_db) -> Iterator[Switch]:
    old, new = request.param
    if {old, new} & set(REDIS_BACKENDS):
        require_redis()
    yield Switch(old, new)
    if {old, new} & set(REDIS_BACKENDS):
        delete_test_keys()


def client_with(cookie: str) -> Client:
    """A browser coming back with this session cookie, to a shop started afresh."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    return client

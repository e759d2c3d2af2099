import os
from pathlib import Path

import pytest
import redis
from django.test import Client, override_settings

from shop.sessions.config import REDIS_BACKENDS, session_settings
from tests.services import REDIS_URL, engines_under_test, require_redis

# Each test run keeps its Redis keys under its own prefix, so runs never collide.
REDIS_TEST_PREFIX = f"test-{os.getpid()}"
TESTS = Path(__file__).parent
# Packages whose tests share servers started once for the package: one worker runs each.
# (tests/deploy shares only a prepared database: its files, of minutes each, go apart.)
SHARED_SERVER_PACKAGES = ("browser", "redis_ha")


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Across xdist workers (`-n 3 --dist loadgroup`) one worker runs a file, or a whole
    package of those above."""
    for item in items:
        item.add_marker(pytest.mark.xdist_group(group_of(item)))


def group_of(item: pytest.Item) -> str:
    path = Path(item.path).relative_to(TESTS)
    return path.parts[0] if path.parts[0] in SHARED_SERVER_PACKAGES else path.as_posix()


def delete_test_keys() -> None:
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{REDIS_TEST_PREFIX}*", count=1000):
        client.delete(key)


@pytest.fixture(autouse=True)
def guests_polled_lately(monkeypatch):
    """Cookie-engine processes poll for ended guests every few seconds: in a test the poll
    is never due, so query counts hold; tests of the poll call `forget()` first."""
    from django.utils import timezone

    from shop.register import ending

    ending.ended_cookie_guests.forget()
    ending.ended_cookie_guests.polled_at = timezone.now()
    monkeypatch.setattr(ending, "GUEST_POLL_SECONDS", 3600)


@pytest.fixture(autouse=True)
def not_rate_limited(settings):
    """Every test client comes from 127.0.0.1, and the counters outlive transactional tests:
    each rate's own tests set it (tests/orders/test_placing.py, tests/engines/
    test_no_state_for_nobody.py, tests/accounts/test_signup.py)."""
    settings.ORDER_PLACE_RATE = None
    settings.NEW_SESSIONS_PER_MINUTE = None
    settings.SIGNUP_RATE = None


@pytest.fixture(params=engines_under_test())
def session_backend(request, settings, tmp_path_factory):
    """Run the test once per session engine: cookie, db, redis, redis_db, memory and file."""
    backend = request.param
    if backend in REDIS_BACKENDS:
        require_redis()
    stores = session_settings(backend, REDIS_URL, key_prefix=REDIS_TEST_PREFIX)
    sessions_folder = tmp_path_factory.mktemp("sessions")  # not tmp_path: the test's own
    with override_settings(**stores, SESSION_FILE_PATH=sessions_folder):
        yield backend
        forget_memory_sessions()
    if backend in REDIS_BACKENDS:
        delete_test_keys()


def forget_memory_sessions() -> None:
    """The memory engine's cache lives as long as the test process: each test starts empty."""
    from django.core.cache import caches

    from shop.sessions.config import MEMORY_CACHE_ALIAS

    if MEMORY_CACHE_ALIAS in caches.settings:
        caches[MEMORY_CACHE_ALIAS].clear()


@pytest.fixture
def client(session_backend) -> Client:
    """A test client whose middleware was built for the engine under test."""
    return Client()


@pytest.fixture
def csrf_client(session_backend) -> Client:
    """A client that enforces CSRF checks, as a browser's requests are."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def make_product(db):
    """Build an active product; keyword arguments override the defaults."""
    from tests.factories import ProductFactory

    return ProductFactory


@pytest.fixture(autouse=True)
def no_session_left_held():
    """A hold the request forgot to give up stalls a later request on the same lock for
    5 s, then answers 503: on the memory engine the locks outlive the test, so any is seen."""
    from shop.sessions.memory import LOCKS

    yield
    held = [lock for lock in LOCKS if lock.locked()]
    for lock in held:
        lock.release()
    assert not held, f"{len(held)} memory-engine session lock(s) still held after the test"


@pytest.fixture
def boss(db, django_user_model) -> Client:
    """A superuser in the admin."""
    user = django_user_model.objects.create_superuser("boss", "boss@example.com", "unused")
    client = Client()
    client.force_login(user)
    return client

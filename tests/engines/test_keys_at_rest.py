"""No usable key at rest: a dump of the database, of Redis, of the sessions' folder on disk
or of the process's memory holds no cookie value that would act as anyone. The stores and
the register keep only a digest of each session key."""

import pickle
import shutil
import subprocess
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import Client

from shop.sessions.base import digest
from tests.accounts.helpers import make_user, session_cookie, sign_in
from tests.cart.helpers import add
from tests.conftest import REDIS_TEST_PREFIX
from tests.services import REDIS_URL, unavailable

pytestmark = pytest.mark.django_db(transaction=True)  # committed, so a dump can see it


@pytest.fixture
def live_cookies(session_backend, make_product) -> list[str]:
    """A guest with a cart, and two signed-in shoppers, one of them with a cart."""
    jam = make_product()
    guest, ada, bob = Client(), Client(), Client()
    add(guest, jam, "2")
    for client, name in ((ada, "ada"), (bob, "bob")):
        make_user(name)
        sign_in(client, name)
    add(ada, jam, "1")
    return [session_cookie(client) for client in (guest, ada, bob)]


def database_dump() -> bytes:
    """The database as a backup or a replica would hold it."""
    if connection.vendor == "sqlite":
        with open(connection.settings_dict["NAME"], "rb") as dump:
            return dump.read()
    if not shutil.which("pg_dump"):
        unavailable("pg_dump is not installed; install it with: apt-get install postgresql-client")
    database = connection.settings_dict
    command = ["pg_dump", "--data-only", "-h", database["HOST"] or "127.0.0.1"]
    command += ["-p", str(database["PORT"] or 5432), "-U", database["USER"], database["NAME"]]
    return subprocess.run(command, capture_output=True, check=True, timeout=60).stdout


def redis_dump() -> bytes:
    """Every key and value this test run wrote to Redis, as DUMP serialises them."""
    client = redis.Redis.from_url(REDIS_URL)
    parts = []
    for key in client.scan_iter(f"{REDIS_TEST_PREFIX}*", count=1000):
        parts += [key, client.dump(key) or b""]
    return b"\n".join(parts)


def disk_dump() -> bytes:
    """The `file` engine's folder: every file's name and contents."""
    files = [path for path in Path(settings.SESSION_FILE_PATH).rglob("*") if path.is_file()]
    return b"\n".join(path.name.encode() + b"\n" + path.read_bytes() for path in files)


def memory_dump() -> bytes:
    """The `memory` engine's process cache, keys and values, as a heap dump would show it."""
    from django.core.cache import caches

    from shop.sessions.memory import MEMORY_CACHE_ALIAS

    if MEMORY_CACHE_ALIAS not in caches.settings:
        return b""
    entries = caches[MEMORY_CACHE_ALIAS]._cache
    return b"\n".join(key.encode() + b"\n" + pickle.dumps(value) for key, value in entries.items())


STORE_DUMPS = {
    "db": database_dump,
    "redis_db": database_dump,
    "redis": redis_dump,
    "memory": memory_dump,
    "file": disk_dump,
}


def test_no_dump_holds_a_live_session_key(live_cookies, session_backend):
    dumps = database_dump() + redis_dump() + disk_dump() + memory_dump()
    for cookie in live_cookies:
        assert cookie.encode() not in dumps
    if session_backend != "cookie":  # what the engine's own store does hold: the digests
        store = STORE_DUMPS[session_backend]()
        assert all(digest(cookie).encode() in store for cookie in live_cookies)


def test_the_live_cookies_do_act_as_their_sessions(live_cookies, session_backend):
    """The dump test above searches for values that matter: these cookies are live."""
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = live_cookies[1]
    assert thief.get("/accounts/sessions/").status_code == 200

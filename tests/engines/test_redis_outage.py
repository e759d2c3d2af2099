"""A Redis outage on the two Redis engines, against a redis-server of this file's own (the
shared one is never stopped): pages keep answering, `redis_db` carries on from its database,
`redis` refuses changes with a clear 503, and all recovers when Redis returns, in-process.

Two kinds of outage: the server killed and restarted on the same port (it comes back empty),
and the app's Redis user refused through ACL while the data stays (the shape of a network
partition, or of a persistent Redis restarting), which is what can leave a stale copy behind.
DEBUG SLEEP or SIGSTOP would not do: a command that times out is still run when it wakes."""

import asyncio
import logging
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module

import pytest
import redis
from django.conf import settings
from django.test import Client, override_settings

from cart import session_cart
from shop.sessions import cache as redis_engine
from shop.sessions import cached_db as redis_db_engine
from shop.sessions.config import session_settings
from shop.sessions.outage import SESSIONS_UNAVAILABLE, unsynced
from tests.cart.helpers import JSON, add, cart_of
from tests.register.helpers import fast_password_hashing, make_user, sign_in  # noqa: F401
from tests.services import unavailable

REDIS_SERVER = shutil.which("redis-server")
APP_USER, APP_PASSWORD = "shop", "outage-test-password"
START_SECONDS = 30  # a deadline: a quiet machine starts it in milliseconds


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server on a free port, stopped, restarted and closed to the app at will."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://{APP_USER}:{APP_PASSWORD}@127.0.0.1:{self.port}/0"

    def admin(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=1, socket_connect_timeout=1)

    def start(self) -> None:
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.wait_until_up()
        self.acl("SETUSER", APP_USER, "on", f">{APP_PASSWORD}", "~*", "&*", "+@all")

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                self.admin().ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=START_SECONDS)

    def refuse_app(self) -> None:
        self.acl("SETUSER", APP_USER, "off")
        self.admin().execute_command("CLIENT", "KILL", "USER", APP_USER)

    def admit_app(self) -> None:
        self.acl("SETUSER", APP_USER, "on")

    def acl(self, *args: str) -> None:
        self.admin().execute_command("ACL", *args)


@pytest.fixture
def server() -> Iterator[PrivateRedis]:
    if REDIS_SERVER is None:
        unavailable(
            "redis-server is not installed; install it with: sudo apt-get install redis-server"
        )
    server = PrivateRedis()
    try:
        server.start()
        yield server
    finally:
        server.stop()
        unsynced.clear()


@contextmanager
def engine(backend: str, server: PrivateRedis) -> Iterator[None]:
    """The engine pointed at the private server; CACHES changing closes cached connections."""
    with override_settings(**session_settings(backend, server.url, key_prefix="outage")):
        yield


def health(client: Client) -> tuple[int, str, str]:
    response = client.get("/healthz")
    body = response.json()
    return response.status_code, body["status"], body["sessions"]["status"]


def session_cookie(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def no_errors_logged(caplog) -> bool:
    """Failures are warnings; the only errors are the 503s that Django logs for each."""
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    return all(getattr(r, "status_code", None) == 503 for r in errors)


# redis_db: the database holds every session, so an outage only slows it down.


def test_redis_db_keeps_carts_and_sign_ins_while_redis_is_down(server, db, make_product, caplog):
    product, user = make_product(), make_user()
    with engine("redis_db", server):
        client = Client()
        add(client, product, "1")
        server.stop()
        for url in ("/", "/products/", f"/products/{product.slug}/", "/cart/"):
            assert client.get(url).status_code == 200, url
        assert add(client, product, "2").status_code == 302
        assert cart_of(client) == {product.id: 3}
        assert sign_in(client).status_code == 302
        assert client.session["_auth_user_id"] == str(user.pk)
        assert cart_of(client) == {product.id: 3}, "the cart comes along at sign-in"
        assert health(client) == (503, "degraded", "error")
        assert client.post("/accounts/logout/").status_code == 302
        assert "_auth_user_id" not in client.session
        server.start()
        assert health(client) == (200, "ok", "ok")
        assert add(client, product, "1").status_code == 302
        assert cart_of(client) == {product.id: 1}, "signed out: a fresh guest cart"
    assert no_errors_logged(caplog)
    assert any("Session cache unreachable" in r.getMessage() for r in caplog.records)


def test_redis_db_never_serves_a_cart_cached_before_the_outage(server, db, make_product):
    product = make_product()
    with engine("redis_db", server):
        client = Client()
        add(client, product, "1")
        assert client.get("/cart/").status_code == 200  # a copy of {1} now sits in Redis
        server.refuse_app()
        assert add(client, product, "2").status_code == 302
        server.admit_app()
        assert cart_of(client) == {product.id: 3}
        assert client.get("/cart/").status_code == 200
        assert cart_of(client) == {product.id: 3}


def test_redis_db_sign_out_during_the_outage_is_not_undone_when_redis_returns(
    server, db, make_product
):
    make_user()
    with engine("redis_db", server):
        client = Client()
        sign_in(client)
        signed_in = session_cookie(client)
        assert "_auth_user_id" in redis_db_engine.SessionStore(signed_in).load()
        server.refuse_app()
        assert client.post("/accounts/logout/").status_code == 302
        server.admit_app()
        assert redis_db_engine.SessionStore(signed_in).load() == {}


# redis: Redis is the only copy, so while it is down a visitor has no session.


def test_redis_pages_answer_and_changes_get_a_clear_503_while_redis_is_down(
    server, db, make_product, caplog
):
    product = make_product()
    make_user()
    with engine("redis", server):
        client = Client()
        add(client, product, "1")
        cookie = session_cookie(client)
        server.stop()
        for url in ("/", "/products/", f"/products/{product.slug}/", "/cart/", "/state/"):
            assert client.get(url).status_code == 200, url
        assert session_cookie(client) == cookie, "the browser keeps its session for later"
        assert_refused(add(client, product, "1"))
        assert_refused(sign_in(client))
        assert_refused(add(Client(), product, "1"))  # a new visitor, with no cookie yet
        assert_refused(sign_in(Client()))
        assert add(client, product, "1", **JSON).json() == {"error": SESSIONS_UNAVAILABLE}
        assert health(client) == (503, "down", "error")
        server.start()  # empty: this Redis keeps nothing on disk
        assert health(client) == (200, "ok", "ok")
        assert add(client, product, "2").status_code == 302
        assert cart_of(client) == {product.id: 2}
        assert sign_in(client).status_code == 302
    assert no_errors_logged(caplog)


def assert_refused(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert SESSIONS_UNAVAILABLE in response.content.decode()


def test_redis_creating_a_session_makes_one_attempt_while_redis_is_down(server, db, monkeypatch):
    attempts = []
    new_key = redis_engine.SessionStore._get_new_session_key
    monkeypatch.setattr(
        redis_engine.SessionStore,
        "_get_new_session_key",
        lambda store: attempts.append(1) or new_key(store),
    )
    with engine("redis", server):
        server.stop()
        store = redis_engine.SessionStore()
        store["cart"] = {}
        store.save()
    assert (len(attempts), store.session_key, store.unavailable) == (1, None, True)


def test_redis_changes_made_while_redis_refuses_the_app_resume_when_it_returns(
    server, db, make_product
):
    product = make_product()
    with engine("redis", server):
        client = Client()
        add(client, product, "1")
        server.refuse_app()
        assert client.get("/cart/").status_code == 200
        assert_refused(add(client, product, "1"))
        server.admit_app()
        assert add(client, product, "1").status_code == 302
        assert cart_of(client) == {product.id: 2}, "the cart kept in Redis is the one resumed"


# Django's async session methods: the same outage handling as the sync ones.


@pytest.mark.django_db(transaction=True)  # the async methods reach the database from a thread
@pytest.mark.parametrize("backend", ["redis", "redis_db"])
def test_the_async_paths_cope_with_an_outage_as_the_sync_ones_do(server, backend, make_product):
    product = make_product()
    with engine(backend, server):
        client = Client()
        add(client, product, "1")
        key = session_cookie(client)
        server.stop()
        store = import_module(settings.SESSION_ENGINE).SessionStore(key)

        data = asyncio.run(store.aload())

        if backend == "redis_db":
            assert {p: e.quantity for p, e in session_cart.read(data).items()} == {product.id: 1}
        else:
            assert data == {} and store.unavailable, "read as no session, nothing overwritten"
        store["note"] = "changed"
        asyncio.run(store.asave())  # no error: written to the database, or not at all
        assert asyncio.run(store.aexists(key)) is (backend == "redis_db")

"""Round trips on the wire for a signed-in shopper, against the stock twin: the same code on
Django's own stores (tools/stock_twin/), without the per-session lock and the register.

A round trip is a Redis command (a script or a pipeline is one), an SQL statement, and the
BEGIN and COMMIT around each transaction. The shop locks each change and keeps a register,
yet needs no more round trips than stock on any engine, and on Redis reads a session in
one and changes it in two (stock: read, check, write). `memory` and `file` keep sessions in
the process or on the disk: no Redis, only the register's SQL.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client, override_settings

from shop.sessions.config import session_settings
from tests.accounts.helpers import make_user, sign_in
from tests.cart.helpers import add
from tests.conftest import REDIS_TEST_PREFIX
from tests.services import REDIS_URL
from tools.stock_twin import STOCK_ENGINES, twin_sessions

pytestmark = pytest.mark.django_db(transaction=True)  # real BEGIN and COMMIT, as in production

# Redis round trips the shop needs, whatever stock needs: (read, write).
REDIS_TRIPS = {
    "cookie": (0, 0), "db": (0, 0), "redis": (1, 2), "redis_db": (1, 1),
    "memory": (0, 0), "file": (0, 0),
}  # fmt: skip


@dataclass(frozen=True)
class Trips:
    sql: int
    transactions: int
    redis: int

    @property
    def total(self) -> int:
        return self.sql + 2 * self.transactions + self.redis  # BEGIN and COMMIT each


@contextmanager
def stock_twin(backend: str):
    """Django's own store for the engine: `file`'s in a folder of its own beside the shop's
    (Django's store wants it made, and keeps the first path it read on its class)."""
    stores = session_settings(backend, REDIS_URL, key_prefix=REDIS_TEST_PREFIX)
    folder = Path(settings.SESSION_FILE_PATH).with_name("stock-sessions")
    folder.mkdir(parents=True, exist_ok=True)
    twin = twin_sessions("stock", backend, settings.MIDDLEWARE)
    store = import_module(STOCK_ENGINES[backend]).SessionStore
    with override_settings(**{**stores, **twin, "SESSION_FILE_PATH": folder}):
        forget_storage_path(store)
        try:
            yield
        finally:
            forget_storage_path(store)


def forget_storage_path(store: type) -> None:
    """Django's file store keeps SESSION_FILE_PATH on its class once read."""
    if "_storage_path" in vars(store):
        del store._storage_path


def count(request, redis_commands, monkeypatch) -> Trips:
    statements: list[str] = []
    commits: list[bool] = []

    def counted(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    wrapper = type(connections["default"])
    commit = wrapper._commit
    monkeypatch.setattr(wrapper, "_commit", lambda db: (commits.append(True), commit(db))[1])
    redis_commands.clear()
    with connection.execute_wrapper(counted):
        response = request()
    monkeypatch.setattr(wrapper, "_commit", commit)
    assert response.status_code in (200, 302)
    return Trips(len(statements), len(commits), len(redis_commands))


def shopper_trips(name, make_product, redis_commands, monkeypatch) -> tuple[Trips, Trips]:
    """A signed-in shopper with a line in the cart: its cart page, and a quantity change."""
    jam = make_product(stock=50)
    client = Client()
    make_user(name)
    sign_in(client, name)
    add(client, jam, "1")
    client.get("/cart/")  # first-visit bookkeeping, and the scripts Redis has now seen
    client.post(f"/cart/update/{jam.id}/", {"quantity": "3"})
    read = count(lambda: client.get("/cart/"), redis_commands, monkeypatch)
    write = count(
        lambda: client.post(f"/cart/update/{jam.id}/", {"quantity": "2"}),
        redis_commands,
        monkeypatch,
    )
    return read, write


def test_the_shop_needs_no_more_round_trips_than_stock(
    session_backend, make_product, redis_commands, monkeypatch
):
    shop_read, shop_write = shopper_trips("ada", make_product, redis_commands, monkeypatch)
    with stock_twin(session_backend):
        stock_read, stock_write = shopper_trips("bob", make_product, redis_commands, monkeypatch)

    assert (shop_read.redis, shop_write.redis) == REDIS_TRIPS[session_backend]
    assert shop_read.total <= stock_read.total, (shop_read, stock_read)
    assert shop_write.total <= stock_write.total, (shop_write, stock_write)


def test_a_change_runs_in_one_transaction_without_savepoints(
    session_backend, make_product, redis_commands, monkeypatch
):
    if session_backend not in ("db", "redis_db"):
        pytest.skip("only the database engines lock the session's row for a change")
    _, write = shopper_trips("ada", make_product, redis_commands, monkeypatch)
    assert write.transactions == 1


# What a page that changes its session costs beyond stock, which writes it blind: the
# database engines read the row again under its lock (one SELECT … FOR UPDATE). Redis's
# lock-and-read script stands in for stock's check that the entry exists.
REBASE_READ = {"cookie": 0, "db": 1, "redis": 0, "redis_db": 1, "memory": 0, "file": 0}
REGISTER_ROW = 1  # the cart lost a line, so the register's row is written (stock has none)


def changing_page_trips(name, make_product, redis_commands, monkeypatch) -> Trips:
    """A signed-in shopper opens the cart page after one of its products went off sale: the
    page drops the line, so it changes the session."""
    jam, tea = make_product(stock=50), make_product()
    client = Client()
    make_user(name)
    sign_in(client, name)
    add(client, jam, "1")
    add(client, tea, "1")
    client.get("/cart/")  # first-visit bookkeeping, as above
    tea.active = False
    tea.save()
    return count(lambda: client.get("/cart/"), redis_commands, monkeypatch)


def test_a_page_that_changes_the_session_costs_stock_plus_its_register_row_and_one_read(
    session_backend, make_product, redis_commands, monkeypatch
):
    shop = changing_page_trips("ada", make_product, redis_commands, monkeypatch)
    with stock_twin(session_backend):
        stock = changing_page_trips("bob", make_product, redis_commands, monkeypatch)
    print(f"\n{session_backend}: the cart page dropping a line, shop {shop}, stock {stock}")
    assert shop.total <= stock.total + REGISTER_ROW + REBASE_READ[session_backend], (shop, stock)

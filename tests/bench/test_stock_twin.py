"""The stock twins of `memory` and `file` are Django's own stores, given only what the shop's
code asks of any store, with the settings the benchmark's servers and the round-trip tests
give them."""

import json
import os
import subprocess
import sys
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.sessions.backends.cache import SessionStore as DjangoCacheStore
from django.contrib.sessions.backends.file import SessionStore as DjangoFileStore
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.test import override_settings

from shop.sessions.base import ShopStoreMixin
from shop.sessions.config import MEMORY_CACHE_ALIAS, SESSION_BACKENDS, session_settings
from tools.servers import BASE_DIR
from tools.stock_twin import (
    DJANGO_SESSION_MIDDLEWARE,
    SHOP_ONLY_MIDDLEWARE,
    SHOP_SESSION_MIDDLEWARE,
    STOCK_ENGINES,
    twin_sessions,
)

SHOP_MIDDLEWARE = [SHOP_SESSION_MIDDLEWARE, *SHOP_ONLY_MIDDLEWARE]


def stock_settings(backend: str, folder) -> dict:
    """What a stock twin's server runs with: the engine's settings, then the twin's."""
    stores = session_settings(backend, "redis://127.0.0.1:6379/0")
    return {
        **stores,
        **twin_sessions("stock", backend, SHOP_MIDDLEWARE),
        "SESSION_FILE_PATH": str(folder),
    }


def store_of(engine: str) -> type:
    return import_module(engine).SessionStore


@pytest.mark.parametrize("backend", SESSION_BACKENDS)
def test_every_engine_has_a_stock_twin_on_djangos_middleware(backend):
    twin = twin_sessions("stock", backend, SHOP_MIDDLEWARE)
    assert twin["MIDDLEWARE"] == [DJANGO_SESSION_MIDDLEWARE]
    store = store_of(twin["SESSION_ENGINE"])
    assert issubclass(store, ShopStoreMixin) and store.engine == backend
    assert (store.hold, store.let_go) == (ShopStoreMixin.hold, ShopStoreMixin.let_go)  # no lock


def test_the_stock_twin_of_memory_is_djangos_cache_store_on_the_local_memory_cache(tmp_path):
    with override_settings(**stock_settings("memory", tmp_path)):
        assert settings.SESSION_CACHE_ALIAS == MEMORY_CACHE_ALIAS
        store = store_of(settings.SESSION_ENGINE)
        assert store.__mro__[1:3] == (ShopStoreMixin, DjangoCacheStore)
        assert "shop.sessions" not in " ".join(c.__module__ for c in store.__mro__[2:])
        session = store()
        assert isinstance(session._cache, LocMemCache)
        assert session._cache is caches[MEMORY_CACHE_ALIAS]
        # The same cache the shop's memory engine gets: the same size limit.
        assert session._cache._max_entries == caches[MEMORY_CACHE_ALIAS]._max_entries > 300
        session["cart"] = {"1": [2, "3.00"]}
        session.save()
        try:
            key = f"{store.cache_key_prefix}{session.session_key}"
            stored = caches[MEMORY_CACHE_ALIAS].get(key)
            assert stored == {"cart": {"1": [2, "3.00"]}}  # under the raw key, as Django keeps it
            assert store(session.session_key).load() == stored
        finally:
            session.delete()


def test_the_stock_twin_of_file_is_djangos_file_store_in_session_file_path(tmp_path):
    with override_settings(**stock_settings("file", tmp_path)):
        store = store_of(settings.SESSION_ENGINE)
        assert store.__mro__[1:3] == (ShopStoreMixin, DjangoFileStore)
        assert "_storage_path" not in vars(store)  # Django keeps the first path it reads
        try:
            session = store()
            session["cart"] = {"1": [2, "3.00"]}
            session.save()
            [written] = tmp_path.iterdir()
            assert written.name == f"{settings.SESSION_COOKIE_NAME}{session.session_key}"
            assert store(session.session_key).load() == {"cart": {"1": [2, "3.00"]}}
        finally:
            if "_storage_path" in vars(store):
                del store._storage_path


@pytest.mark.parametrize("backend", ["memory", "file"])
def test_the_benchmarks_servers_get_the_twins_settings(backend, tmp_path):
    """bench/settings.py, as a server of the engine benchmark loads it."""
    read = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_ENGINE, s.SESSION_CACHE_ALIAS, str(s.SESSION_FILE_PATH), "
        "s.MIDDLEWARE, sorted(s.CACHES)]))"
    )
    found = {}
    for twin in ("shop", "stock"):
        env = {
            **os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "BENCH_TWIN": twin,
            "SESSION_BACKEND": backend, "SESSION_FILE_PATH": str(tmp_path / twin),
        }  # fmt: skip
        output = subprocess.run(
            [sys.executable, "-c", read], cwd=BASE_DIR, env=env, capture_output=True,
            text=True, check=True, timeout=60,
        ).stdout  # fmt: skip
        found[twin] = json.loads(output.splitlines()[-1])
    shop, stock = found["shop"], found["stock"]
    assert shop[0] == f"shop.sessions.{backend}" and stock[0] == STOCK_ENGINES[backend]
    assert (shop[2], stock[2]) == (str(tmp_path / "shop"), str(tmp_path / "stock"))
    assert SHOP_SESSION_MIDDLEWARE in shop[3] and DJANGO_SESSION_MIDDLEWARE in stock[3]
    assert not SHOP_ONLY_MIDDLEWARE & set(stock[3])
    assert shop[4] == stock[4]  # the same caches configured
    if backend == "memory":
        assert MEMORY_CACHE_ALIAS in stock[4] and stock[1] == MEMORY_CACHE_ALIAS

"""The deploy/ layout, run as an operator runs it: gunicorn instances behind Debian's nginx,
in production mode, on a PostgreSQL database of the run's own, one fleet per engine."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.fleet import NGINX, PER_INSTANCE_ENGINES, Fleet, prepare, production_env
from shop.sessions.config import REDIS_BACKENDS, SESSION_BACKENDS
from tests.services import REDIS_URL, require_redis, scratch_database, unavailable
from tools.shoppers import Account, make_accounts

SHOPPERS = 6
# Round-robin fleets run the engines every instance can read; memory and file, whose sessions
# live on one instance, are measured under both routings in test_routing.py.
SHARED_ENGINES = tuple(b for b in SESSION_BACKENDS if b not in PER_INSTANCE_ENGINES)


def require_nginx() -> None:
    if not os.access(NGINX, os.X_OK) or not shutil.which("openssl"):
        unavailable("nginx and openssl are not installed; install them with: "
                    "sudo apt-get install nginx-light openssl")  # fmt: skip


@pytest.fixture(scope="package")
def run_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fleet")


@pytest.fixture(scope="package")
def prepared_env(run_dir) -> Iterator[dict[str, str]]:
    """Migrated, seeded and collected once: what a deploy does before its instances start."""
    require_nginx()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SESSION_"))}
    with scratch_database("fleet") as database_url:
        env = production_env(
            run_dir, {**base, "DATABASE_URL": database_url, "REDIS_URL": REDIS_URL}
        )
        prepare(env)
        yield env


@pytest.fixture
def accounts(fleet, request) -> list[Account]:
    """Shoppers of this test's own: a signed-in cart follows its account from test to test."""
    prefix = f"{fleet.env['SESSION_BACKEND']}-{request.node.originalname[5:25]}".replace("_", "-")
    return make_accounts(fleet.env, SHOPPERS, prefix)


@pytest.fixture(scope="module", params=SHARED_ENGINES)
def fleet(request, prepared_env, run_dir) -> Iterator[Fleet]:
    """Three instances of two workers behind nginx, round-robin, on one shared engine."""
    if request.param in REDIS_BACKENDS:
        require_redis()
    fleet = Fleet({**prepared_env, "SESSION_BACKEND": request.param}, run_dir)
    try:
        fleet.start()
        yield fleet
    finally:
        fleet.stop()

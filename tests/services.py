"""Real services for the tests: reachable, or skipped with a reason (failed under CI=true)."""

import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# The engines whose sessions live in the database.
ENGINES_ON_POSTGRESQL = ("db", "redis_db")


def engines_under_test() -> tuple[str, ...]:
    """The engines the engine-parametrised tests run on: all six on SQLite; on PostgreSQL
    only those whose sessions live in the database, since the others' sessions never reach
    it and CI runs both passes. TEST_SESSION_BACKENDS (comma-separated) chooses others."""
    from shop.sessions.config import SESSION_BACKENDS

    if chosen := os.environ.get("TEST_SESSION_BACKENDS"):
        return tuple(engine.strip() for engine in chosen.split(",") if engine.strip())
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return ENGINES_ON_POSTGRESQL
    return SESSION_BACKENDS


START_REDIS = 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no'


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def unavailable(reason: str) -> None:
    """Skip a test whose service is missing; under CI that is a failure, never a skip."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: a missing service fails the run)", pytrace=False)
    pytest.skip(reason)


@functools.cache
def redis_error() -> str | None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        return f"Redis is not reachable at {REDIS_URL} ({error}); start it with: {START_REDIS}"
    return None


def require_redis() -> None:
    if error := redis_error():
        unavailable(error)


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def require_chromium() -> None:
    """The browser tests drive Debian's Chromium; Playwright never downloads a browser here."""
    if not os.access(CHROMIUM, os.X_OK):
        unavailable(
            f"Chromium is not installed at {CHROMIUM}; "
            "install it with: sudo apt-get install chromium"
        )


# The machine's PostgreSQL, where tests that serve many processes make scratch databases.
POSTGRES_URL = os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
START_POSTGRES = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"


@functools.cache
def postgres_error() -> str | None:
    import psycopg

    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=2).close()
    except psycopg.Error as error:
        reason = f"PostgreSQL is not reachable at {POSTGRES_URL} ({error})"
        return f"{reason}; start it with: {START_POSTGRES}"
    return None


def require_postgres() -> None:
    if error := postgres_error():
        unavailable(error)


@contextmanager
def scratch_database(label: str) -> Iterator[str]:
    """A PostgreSQL database of this run's own on the machine's server; then dropped."""
    from tools import servers

    require_postgres()
    with servers.scratch_database(label, POSTGRES_URL) as url:
        yield url


@contextmanager
def shop_database(label: str, folder: Path) -> Iterator[str]:
    """A migrated database that several gunicorn processes can share, on the engine the suite
    runs on: a scratch PostgreSQL database when DATABASE_URL is PostgreSQL, else a SQLite file
    in `folder`. Yields its DATABASE_URL."""
    from tools.servers import manage

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SESSION_"))}
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        with scratch_database(label) as url:
            manage({**env, "DATABASE_URL": url}, "migrate", "--noinput")
            yield url
    else:
        url = f"sqlite:///{folder / 'db.sqlite3'}"
        manage({**env, "DATABASE_URL": url}, "migrate", "--noinput")
        yield url

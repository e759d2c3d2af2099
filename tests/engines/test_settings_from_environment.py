"""Settings read the environment at start-up: run a fresh interpreter for each case."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT = "from django.conf import settings as s; print(s.SESSION_ENGINE, s.DEBUG)"


def start(**env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SESSION_"))}
    environment.update(DJANGO_SETTINGS_MODULE="shop.settings", **env)
    code = f"import django; django.setup(); {PRINT}"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_the_default_backend_is_db():
    assert start().stdout.split() == ["shop.sessions.db", "True"]


def test_session_backend_picks_the_engine():
    assert start(SESSION_BACKEND="redis_db").stdout.split()[0] == "shop.sessions.cached_db"


def test_an_unknown_backend_stops_start_up():
    result = start(SESSION_BACKEND="memcached")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "use one of cookie, db, redis, redis_db" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = start(DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required when DJANGO_DEBUG=0" in result.stderr


def test_production_starts_with_a_secret_key():
    assert start(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50).stdout.split()[1] == "False"


def test_a_bad_debug_value_is_named():
    result = start(DJANGO_DEBUG="yes")
    assert "DJANGO_DEBUG must be 1 or 0" in result.stderr


def test_session_migrate_from_moves_sessions_to_session_backend():
    result = start(SESSION_BACKEND="redis", SESSION_MIGRATE_FROM="db")
    assert result.stdout.split()[0] == "shop.sessions.moving"


def test_a_bad_session_migrate_from_stops_start_up():
    result = start(SESSION_BACKEND="redis", SESSION_MIGRATE_FROM="redis")
    assert result.returncode != 0
    assert "SESSION_MIGRATE_FROM='redis' names the engine sessions already live on" in result.stderr

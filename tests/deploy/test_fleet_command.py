"""deploy/fleet.py's own safeguards, without starting anything."""

import os
import stat
import subprocess
import sys

import pytest

from deploy.fleet import described, own_database, production_env, running_fleet, secret


def test_secrets_are_readable_by_their_owner_alone_and_kept(tmp_path):
    first = secret(tmp_path, "secret-key")
    assert stat.S_IMODE(os.stat(tmp_path / "secret-key").st_mode) == 0o600
    assert secret(tmp_path, "secret-key") == first
    assert len(first) >= 40


def test_every_instance_gets_production_settings_and_one_key(tmp_path):
    env = production_env(tmp_path, {"DJANGO_DEBUG": "1"})
    assert env["DJANGO_DEBUG"] == "0" and env["DJANGO_BEHIND_TLS_PROXY"] == "1"
    assert env["DATABASE_URL"] == own_database(tmp_path)
    assert production_env(tmp_path, {})["DJANGO_SECRET_KEY"] == env["DJANGO_SECRET_KEY"]
    given = production_env(tmp_path, {"DATABASE_URL": "postgres://db.example/shop"})
    assert given["DATABASE_URL"] == "postgres://db.example/shop"


def test_restart_signals_no_process_but_a_running_fleet(tmp_path):
    with pytest.raises(SystemExit, match="No fleet is running"):
        running_fleet(tmp_path)
    (tmp_path / "fleet.pid").write_text(str(os.getpid()))  # a stale file naming pytest
    with pytest.raises(SystemExit, match="No fleet is running"):
        running_fleet(tmp_path)


def test_options_go_after_the_command(tmp_path):
    command = [sys.executable, "-m", "deploy.fleet", "restart", "--run-dir", str(tmp_path)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert "No fleet is running" in result.stderr


def test_a_restart_never_prints_a_secret():
    changes = {
        "DJANGO_SECRET_KEY": "new-key-value",
        "DJANGO_SECRET_KEY_FALLBACKS": "old-key-value",
        "DATABASE_URL": "postgres://shop:pg-password@db.example:5432/shop",
        "REDIS_URL": "redis://:redis-password@cache.example:6379/0",
        "SESSION_BACKEND": "redis",
    }
    shown = described(changes)
    for secret_value in ("new-key-value", "old-key-value", "pg-password", "redis-password"):
        assert secret_value not in shown
    assert "SESSION_BACKEND=redis" in shown
    assert "DATABASE_URL=postgres://shop:***@db.example:5432/shop" in shown

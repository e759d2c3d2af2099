"""deploy/fleet.py's own safeguards, without starting anything."""

import json
import os
import stat
import subprocess
import sys
from collections import Counter

import psutil
import pytest

from deploy.fleet import (
    NGINX,
    RECORD_FILE,
    ROUTE_COOKIE,
    Fleet,
    described,
    load_summary,
    own_database,
    production_env,
    running_fleet,
    secret,
)
from tests.deploy.conftest import require_nginx
from tools.shoppers import Failure, LoadReport


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
    stale = {"pid": os.getpid(), "started": psutil.Process().create_time(), "state": "serving"}
    (tmp_path / RECORD_FILE).write_text(json.dumps(stale))  # a stale record naming pytest
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


def nginx_config(tmp_path, routing: str) -> str:
    fleet = Fleet({"SESSION_BACKEND": "memory"}, tmp_path, size=2, routing=routing)
    fleet.instances = [fleet.new_instance(n) for n in range(fleet.size)]
    fleet.write_nginx_config()
    return (tmp_path / "nginx.conf").read_text()


def test_round_robin_hashes_nothing_and_sets_no_cookie(tmp_path):
    config = nginx_config(tmp_path, "round-robin")
    assert "\n        hash " not in config
    assert "add_header Set-Cookie" not in config
    assert "max_fails=1 fail_timeout=5s" in config
    assert "proxy_next_upstream error timeout;" in config


def test_sticky_routing_hashes_a_cookie_of_nginxs_own_never_the_session(tmp_path):
    config = nginx_config(tmp_path, "sticky")
    assert "        hash $shop_route consistent;" in config
    assert "            add_header Set-Cookie $shop_route_cookie always;" in config
    # Routed by the cookie, or on a first visit by the very value the cookie gets.
    assert f"$cookie_{ROUTE_COOKIE} $shop_route {{" in config
    assert "default $request_id;" in config
    cookie = config.split(f'default "{ROUTE_COOKIE}=$request_id; ')[1].split('"')[0]
    assert set(cookie.split("; ")) >= {"Secure", "HttpOnly", "SameSite=Lax", "Path=/"}
    assert "sessionid" not in config
    # A slow request moves nobody: no timeout retries elsewhere, no instance marked failed.
    assert "proxy_next_upstream error;" in config and "max_fails=0;" in config


@pytest.mark.parametrize("routing", ["round-robin", "sticky"])
def test_nginx_accepts_both_routings(tmp_path, routing):
    require_nginx()
    nginx_config(tmp_path, routing)
    for folder in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / folder).mkdir()
    command = [NGINX, "-t", "-q", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
               "-e", str(tmp_path / "error.log")]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


def test_every_instance_has_its_own_disk_and_memory_one_worker(tmp_path):
    fleet = Fleet({"SESSION_BACKEND": "memory"}, tmp_path, workers=2)
    first, second = fleet.new_instance(0), fleet.new_instance(1)
    paths = {fleet.instance_env(i)["SESSION_FILE_PATH"] for i in (first, second)}
    assert paths == {str(tmp_path / f"instance-{n}" / "sessions") for n in (0, 1)}
    assert fleet.workers_for(fleet.instance_env(first)) == 1
    assert fleet.workers_for({"SESSION_BACKEND": "redis", "SESSION_MIGRATE_FROM": "memory"}) == 2
    with pytest.raises(ValueError, match="round-robin, sticky"):
        Fleet({}, tmp_path, routing="ip-hash")


def test_the_load_summary_explains_every_status_and_prints_no_empty_section():
    clean = LoadReport(requests=60, statuses=Counter({200: 30, 302: 27, 400: 3}), adds=25)
    summary = load_summary(clean)
    assert "400 ×3      adds the cart refused, telling the shopper why" in summary
    assert "Failures" not in summary and "signed out (" not in summary
    assert summary.endswith("every shopper is still signed in.\nPassed.")

    failed = LoadReport(
        requests=5, statuses=Counter({200: 2, 400: 1, 502: 1, "no answer": 1}), adds=0,
        failures=[Failure(1.5, "POST /cart/add/3/", 502, "The shop is back in a moment"),
                  Failure(2.0, "GET product", None, "ConnectionRefusedError")],
    )  # fmt: skip
    summary = load_summary(failed)
    for status in ("200", "400", "502", "no answer"):  # every status counted, explained
        line = next(line for line in summary.splitlines() if line.strip().startswith(status))
        assert len(line.split("×")[1].split(maxsplit=1)) == 2, line
    assert "Bad Gateway: the shop or nginx failed; listed under Failures" in summary
    assert "Failures (2):" in summary and "2.00 s GET product: no answer" in summary
    assert "No add to cart was confirmed." in summary and summary.endswith("Failed.")

"""Upgrading from the last release where the register lived in accounts: the same table, so
every signed-in session on every engine stays signed in, every register row stays, and staff
keep their permission to end sessions. The old release is the real code, from git history."""

import json
import os
import subprocess
import sys
import tarfile
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis

from shop.sessions.config import SESSION_BACKENDS
from tests.services import REDIS_URL, require_redis, scratch_database, unavailable
from tools.servers import BASE_DIR, COMMAND_TIMEOUT

# main before shop/register/ existed: SessionRecord in accounts, the clearsessions override.
RELEASE_BEFORE_THE_MOVE = "bc8004bbc3c19123fe7ea841e2132d007cb98534"
REDIS_DB = 12  # a database of this test's own, emptied before and after
PASSWORD = "plum-jam-tart-41"

SETUP = """
import json, os, django
os.environ["DJANGO_SETTINGS_MODULE"] = "shop.settings"
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
User = get_user_model()
"""
SIGN_IN = (
    SETUP
    + """
name = "upgrade-" + os.environ["SESSION_BACKEND"]
User.objects.create_user(name, name + "@example.com", os.environ["PASSWORD"])
client = Client()
answer = client.post("/accounts/login/", {"username": name, "password": os.environ["PASSWORD"]})
assert answer.status_code == 302, answer.status_code
print(json.dumps(client.cookies[settings.SESSION_COOKIE_NAME].value))
"""
)
STAFF_WHO_MAY_END_SESSIONS = (
    SETUP
    + """
from django.contrib.auth.models import Permission
vera = User.objects.create_user("vera", "vera@example.com", os.environ["PASSWORD"], is_staff=True)
vera.user_permissions.add(Permission.objects.get(codename="end_session"))
"""
)
REGISTER_ROWS = (
    SETUP
    + """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT public_id FROM accounts_sessionrecord ORDER BY public_id")
    print(json.dumps([row[0] for row in cursor.fetchall()]))
"""
)
WHO_IS_SIGNED_IN = (
    SETUP
    + """
client = Client()
client.cookies[settings.SESSION_COOKIE_NAME] = json.loads(os.environ["COOKIE"])
answer = client.get("/accounts/sessions/")
user = answer.context["user"] if answer.status_code == 200 else None
print(json.dumps({"status": answer.status_code, "user": getattr(user, "username", None),
                  "devices": len(answer.context["rows"]) if user else 0}))
"""
)
# An instance of the new code that started before migrate ran, and named the register's type.
NEW_CODE_BEFORE_MIGRATE = (
    SETUP
    + """
from django.contrib.contenttypes.models import ContentType
ContentType.objects.get_or_create(app_label="register", model="sessionrecord")
"""
)
STAFF_PERMISSION = (
    SETUP
    + """
from django.contrib.contenttypes.models import ContentType
print(json.dumps({"may_end": User.objects.get(username="vera").has_perm("register.end_session"),
                  "stale": ContentType.objects.filter(app_label="accounts",
                                                      model="sessionrecord").exists()}))
"""
)


# What the old release offered: memory and file came later.
OLD_RELEASE_ENGINES = ("cookie", "db", "redis", "redis_db")


def engines() -> list[str]:
    """Every engine the old release had: all of them keep sessions across a restart."""
    return [engine for engine in SESSION_BACKENDS if engine in OLD_RELEASE_ENGINES]


@pytest.fixture
def release_before_the_move(tmp_path) -> Path:
    archive = subprocess.run(
        ["git", "archive", RELEASE_BEFORE_THE_MOVE], cwd=BASE_DIR, capture_output=True
    )
    if archive.returncode != 0:
        unavailable(f"this clone lacks the release {RELEASE_BEFORE_THE_MOVE[:10]} (git fetch)")
    folder = tmp_path / "release"
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    return folder


@pytest.fixture
def database_url(tmp_path):
    """An empty database on the engine the suite runs on."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        with scratch_database("upgrade") as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'upgraded.sqlite3'}"


@pytest.fixture
def redis_url():
    require_redis()
    url = urlunsplit(urlsplit(REDIS_URL)._replace(path=f"/{REDIS_DB}"))
    redis.Redis.from_url(url).flushdb()
    yield url
    redis.Redis.from_url(url).flushdb()


def run(code: str, folder: Path, env: dict[str, str]) -> object:
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1]) if result.stdout.strip() else None


def migrate(folder: Path, env: dict[str, str]) -> None:
    run(
        "from django.core.management import execute_from_command_line as run\n"
        "run(['manage.py', 'migrate', '--noinput', '-v0'])",
        folder,
        env,
    )


def test_an_upgrade_signs_no_one_out_and_loses_no_register_row(
    release_before_the_move, database_url, redis_url
):
    plain = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SESSION_"))}
    env = {
        **plain,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_SECRET_KEY": "upgrade-test-secret-key-upgrade-test-secret-key",
        "NEW_SESSIONS_PER_MINUTE": "100000",
        "PASSWORD": PASSWORD,
        "DJANGO_SETTINGS_MODULE": "shop.settings",
    }
    migrate(release_before_the_move, env)
    run(STAFF_WHO_MAY_END_SESSIONS, release_before_the_move, env)
    cookies = {
        engine: run(SIGN_IN, release_before_the_move, {**env, "SESSION_BACKEND": engine})
        for engine in engines()
    }
    rows_before = run(REGISTER_ROWS, release_before_the_move, env)
    assert len(rows_before) == len(engines())
    run(NEW_CODE_BEFORE_MIGRATE, BASE_DIR, env)

    migrate(BASE_DIR, env)

    assert run(REGISTER_ROWS, BASE_DIR, env) == rows_before
    for engine, cookie in cookies.items():
        seen = run(
            WHO_IS_SIGNED_IN,
            BASE_DIR,
            {**env, "SESSION_BACKEND": engine, "COOKIE": json.dumps(cookie)},
        )
        assert seen == {"status": 200, "user": f"upgrade-{engine}", "devices": 1}, engine
    assert run(STAFF_PERMISSION, BASE_DIR, env) == {"may_end": True, "stale": False}

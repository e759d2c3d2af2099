"""What `memory` and `file` keep, against real gunicorn processes: a restart loses every
memory session and no file session; a crash hands nothing over; a graceful stop followed by
a move to another engine (SESSION_MIGRATE_FROM=memory) keeps every shopper; a second worker
is refused; and a session ended from another process reaches the one that holds it."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psutil
import pytest

from tests.services import REDIS_URL, require_redis, shop_database
from tools.servers import BASE_DIR, gunicorn_server, manage
from tools.shoppers import Shopper, make_accounts, product_pages

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def shop_env(tmp_path_factory) -> Iterator[dict[str, str]]:
    root = tmp_path_factory.mktemp("process-and-disk")
    with shop_database("process_disk", root) as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SESSION_")}
        env |= {"DATABASE_URL": url, "DJANGO_DEBUG": "1", "REDIS_URL": REDIS_URL}
        env |= {"DJANGO_MEDIA_ROOT": str(root)}
        manage(env, "seed_catalog")
        yield env


@pytest.fixture
def instance_env(shop_env, tmp_path) -> dict[str, str]:
    """One instance's environment: its own disk folder for sessions."""
    return {**shop_env, "SESSION_FILE_PATH": str(tmp_path / "sessions")}


@contextmanager
def serving(env: dict[str, str], engine: str, folder, **more: str) -> Iterator[str]:
    log = folder / f"gunicorn-{engine}-{time.monotonic_ns()}.log"
    with gunicorn_server({**env, "SESSION_BACKEND": engine, **more}, log) as server:
        yield server.url


def shoppers_at_work(url: str, env: dict[str, str]) -> list[tuple[Shopper, dict[int, int]]]:
    """A guest and a signed-in shopper, each with a cart; with what each cart holds."""
    pages = product_pages(url, pages=2)
    account = make_accounts(env, 1, prefix=f"shopper-{time.monotonic_ns()}")[0]
    guest, member = Shopper(url), Shopper(url)
    assert member.sign_in(account).status == 302
    for shopper in (guest, member):
        for page in pages:
            shopper.add_from(shopper.get(page))
    return [(guest, guest.cart()), (member, member.cart())]


def come_back(shoppers, url: str) -> list[tuple[dict[int, int], bool]]:
    """Each shopper's cart and sign-in as a server at `url` sees them."""
    found = []
    for shopper, _ in shoppers:
        again = Shopper(url)
        again.cookies = dict(shopper.cookies)
        found.append((again.cart(), again.signed_in()))
    return found


def as_before(shoppers) -> list[tuple[dict[int, int], bool]]:
    return [(cart, index == 1) for index, (_, cart) in enumerate(shoppers)]


@pytest.mark.parametrize("engine", ["memory", "file"])
def test_a_restart_loses_every_memory_session_and_no_file_session(engine, instance_env, tmp_path):
    with serving(instance_env, engine, tmp_path) as url:
        shoppers = shoppers_at_work(url, instance_env)
    with serving(instance_env, engine, tmp_path) as url:  # SIGTERM, then started again
        found = come_back(shoppers, url)
    if engine == "memory":
        assert found == [({}, False), ({}, False)]
    else:
        assert found == as_before(shoppers)


@pytest.mark.parametrize("new_engine", ["redis"])
def test_the_way_out_of_memory_keeps_every_shopper(new_engine, instance_env, tmp_path):
    """A graceful stop hands the sessions to the instance's disk; the next process moves
    them into its engine as they come back, and from then on they live there."""
    if new_engine == "redis":
        require_redis()
    with serving(instance_env, "memory", tmp_path) as url:
        shoppers = shoppers_at_work(url, instance_env)
    with serving(instance_env, new_engine, tmp_path, SESSION_MIGRATE_FROM="memory") as url:
        assert come_back(shoppers, url) == as_before(shoppers)
    with serving(instance_env, new_engine, tmp_path) as url:  # the move is over
        assert come_back(shoppers, url) == as_before(shoppers)


def test_a_crash_of_a_memory_process_hands_nothing_over(instance_env, tmp_path):
    log = tmp_path / "crashed.log"
    with gunicorn_server({**instance_env, "SESSION_BACKEND": "memory"}, log) as server:
        shoppers = shoppers_at_work(server.url, instance_env)
        for process in [*psutil.Process(server.pid).children(), psutil.Process(server.pid)]:
            process.kill()  # SIGKILL: no graceful stop, no hand-over
    with serving(instance_env, "db", tmp_path, SESSION_MIGRATE_FROM="memory") as url:
        assert come_back(shoppers, url) == [({}, False), ({}, False)]


@pytest.mark.parametrize("with_config", [False, True], ids=["bare", "deploy-config"])
def test_memory_refuses_a_second_worker_at_start_up(with_config, instance_env):
    command = [sys.executable, "-m", "gunicorn", "shop.wsgi", "--workers", "2"]
    command += ["--bind", "127.0.0.1:0"]
    if with_config:
        command += ["--config", str(BASE_DIR / "deploy" / "gunicorn.conf.py")]
    env = {**instance_env, "SESSION_BACKEND": "memory"}
    result = subprocess.run(
        command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "run one worker with threads" in result.stdout + result.stderr


@pytest.mark.parametrize("engine", ["memory", "file"])
def test_a_guest_ended_from_another_process_is_ended_where_it_lives(engine, instance_env, tmp_path):
    """Staff end a guest's session in another process (here: manage.py shell on the same
    database), which cannot reach the data; the process holding it learns from the
    register within its poll and the guest starts afresh."""
    with serving(instance_env, engine, tmp_path) as url:
        guest = shoppers_at_work(url, instance_env)[0][0]
        assert guest.cart()
        end_every_guest = (
            "from shop.register.ending import end_sessions; "
            "from shop.register.models import SessionRecord; "
            "end_sessions(SessionRecord.objects.active().filter(user=None))"
        )
        manage({**instance_env, "SESSION_BACKEND": engine}, "shell", "-c", end_every_guest)
        deadline = time.monotonic() + 10
        while guest.cart() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert guest.cart() == {}

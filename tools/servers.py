"""Real servers for the tests, the benchmark and the fleet: manage.py steps, a free port, a
gunicorn started and stopped by its PID, a scratch PostgreSQL database."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

BASE_DIR = Path(__file__).resolve().parents[1]
COMMAND_TIMEOUT = 180  # seconds for migrate, seed_catalog and collectstatic
START_TIMEOUT = 60  # seconds for gunicorn to answer: a deadline for a loaded machine
CREATE_SHOPPER = (
    "import os; from django.contrib.auth import get_user_model; "
    "get_user_model().objects.create_user("
    "os.environ['SHOPPER_USERNAME'], os.environ['SHOPPER_EMAIL'], os.environ['SHOPPER_PASSWORD'])"
)


class ServerError(RuntimeError):
    """A command or server the tools started did not do its job; the message says why."""


def manage(env: dict[str, str], *args: str) -> str:
    """Run a manage.py command; return what it printed."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    if result.returncode != 0:
        raise ServerError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(url: str, server: subprocess.Popen, log: Path) -> None:
    """Return once the server answers any HTTP response; fail with its log otherwise."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise ServerError(f"gunicorn exited with {server.returncode}:\n{log.read_text()}")
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # it answered, if not with 200: the page tests say what is wrong
        except OSError:
            time.sleep(0.2)
    raise ServerError(f"gunicorn did not answer {url} within {START_TIMEOUT} s:\n{log.read_text()}")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)


@dataclass(frozen=True)
class Server:
    url: str
    pid: int  # gunicorn's master process


@contextmanager
def gunicorn(env: dict[str, str], log: Path, workers: int = 2) -> Iterator[str]:
    """Serve shop.wsgi on a free port of 127.0.0.1 and yield its URL; stop it by its PID."""
    with gunicorn_server(env, log, workers) as server:
        yield server.url


@contextmanager
def gunicorn_server(
    env: dict[str, str], log: Path, workers: int = 2, access_log: bool = True
) -> Iterator[Server]:
    """Serve shop.wsgi on a free port of 127.0.0.1; stop it by its PID. `memory` runs one
    worker, as it must (more threads instead); `file` keeps its sessions beside the log."""
    url = f"http://127.0.0.1:{free_port()}"
    env = {
        "NEW_SESSIONS_PER_MINUTE": "100000",  # every test shopper is 127.0.0.1
        "SESSION_FILE_PATH": str(log.parent / "sessions"),
        **env,
    }
    threads = 4
    if env.get("SESSION_BACKEND") == "memory":
        workers, threads = 1, 4 * workers
    command = [
        sys.executable, "-m", "gunicorn", "shop.wsgi",
        "--bind", url.removeprefix("http://"),
        "--workers", str(workers),
        # Chromium talks to gunicorn directly, with no nginx to buffer, and may open a socket
        # it sends nothing on for a while: with threads, such a socket holds one thread, not a
        # whole worker, so a page never waits behind it.
        "--threads", str(threads),
        "--timeout", "30",
        "--graceful-timeout", "5",
        *(["--access-logfile", "-"] if access_log else []),
    ]  # fmt: skip
    with log.open("wb") as output:
        server = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        wait_until_serving(url, server, log)
        yield Server(url, server.pid)
    finally:
        stop(server)


@contextmanager
def scratch_database(label: str, server_url: str) -> Iterator[str]:
    """A PostgreSQL database of this run's own on the server at `server_url`, for servers
    that many processes share; yield its URL, then drop it."""
    name = f"shop_{label}_{os.getpid()}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

"""Redis memory per session, for sizing: what a million sessions take on each Redis engine.

    uv run python -m bench.redis_memory --sessions 200000

Starts a redis-server of its own on a free port of 127.0.0.1 (no limit, no persistence), and
for `redis` and `redis_db` in turn fills it with `manage.py create_sessions` (45% signed in,
30% with a cart, as in the session-page benchmark) on a SQLite file of its own, then reads
`INFO memory` before and after. Prints bytes per session and MB per million; stops the server
by its PID.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis

from tools.servers import BASE_DIR, free_port

ENGINES = ("redis", "redis_db")


def start_redis(port: int) -> subprocess.Popen:
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no"]  # fmt: skip
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            return server
        except redis.ConnectionError:
            time.sleep(0.05)
    server.kill()
    sys.exit("redis-server did not start")


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def used_memory(client: redis.Redis) -> int:
    return client.info("memory")["used_memory"]


def measure(engine: str, sessions: int, port: int, folder: Path) -> tuple[int, int]:
    """Bytes Redis grew by for `sessions` sessions of `engine`, and the keys it then holds."""
    client = redis.Redis(port=port)
    client.flushall()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / f'{engine}.sqlite3'}",
        "REDIS_URL": f"redis://127.0.0.1:{port}/0",
        "SESSION_BACKEND": engine,
    }
    manage(env, "migrate", "--noinput", "-v0")
    before = used_memory(client)
    manage(env, "create_sessions", "--count", str(sessions), "--engine", engine, "--seed", "1")
    return used_memory(client) - before, client.dbsize()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=200_000)
    args = parser.parse_args()
    port = free_port()
    server = start_redis(port)
    try:
        with tempfile.TemporaryDirectory() as folder:
            for engine in ENGINES:
                grown, keys = measure(engine, args.sessions, port, Path(folder))
                each = grown / args.sessions
                million = each * 1_000_000 / 2**20
                print(f"{engine}: {args.sessions} sessions, {keys} keys, {each:.0f} bytes each, "
                      f"{million:.0f} MiB per million", flush=True)  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()

"""A PostgreSQL cluster of the tests' own, on a free port of 127.0.0.1, that they may stop,
restart and freeze; the machine's shared server is never touched.

PostgreSQL refuses to run as root: when the tests do, the cluster runs as an unprivileged
user (`postgres`, else `nobody`) and its directory belongs to that user."""

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from tests.services import unavailable
from tools.servers import free_port

INSTALL = "install them with: sudo apt-get install postgresql (or set POSTGRES_BIN_DIR)"
START_SECONDS = 60  # a deadline: a quiet machine starts it in about a second
STOP_SECONDS = 15


def binaries() -> Path:
    """Where initdb and postgres are: POSTGRES_BIN_DIR, Debian's place, or the PATH."""
    places = [os.environ.get("POSTGRES_BIN_DIR", "")]
    places += sorted(map(str, Path("/usr/lib/postgresql").glob("*/bin")), reverse=True)
    places.append(os.path.dirname(shutil.which("initdb") or ""))
    for place in filter(None, places):
        if (Path(place) / "initdb").is_file() and (Path(place) / "postgres").is_file():
            return Path(place)
    unavailable(f"PostgreSQL's server binaries (initdb, postgres) are not installed; {INSTALL}")


def owner() -> tuple[int, int] | None:
    """The user and group the cluster runs as, when the tests run as root; else None."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return entry.pw_uid, entry.pw_gid
    unavailable("Running as root with no `postgres` or `nobody` user to run PostgreSQL as")


class Cluster:
    """initdb'd once; start(), stop() and frozen() as often as a test likes."""

    def __init__(self, root: Path) -> None:
        self.bin, self.root, self.data = binaries(), root, root / "data"
        self.user = owner()
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def run_as_owner(self, command: list[str], **options) -> subprocess.Popen:
        if self.user:
            uid, gid = self.user
            options |= {"user": uid, "group": gid, "extra_groups": []}
        return subprocess.Popen(command, cwd=self.root, **options)

    def initdb(self) -> None:
        command = [str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres"]
        command += ["--auth=trust", "--encoding=UTF8", "--no-sync"]
        process = self.run_as_owner(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        output, _ = process.communicate(timeout=120)
        if process.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{output.decode(errors='replace')}")

    def start(self) -> None:
        command = [str(self.bin / "postgres"), "-D", str(self.data), "-p", str(self.port)]
        command += ["-k", str(self.root), "-c", "listen_addresses=127.0.0.1"]
        command += ["-c", "fsync=off", "-c", "full_page_writes=off"]  # a test's data
        with (self.root / "postgres.log").open("ab") as log:
            self.process = self.run_as_owner(command, stdout=log, stderr=subprocess.STDOUT)
        self.wait_until_ready()

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"postgres exited:\n{self.log()}")
            try:
                psycopg.connect(self.url(), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                time.sleep(0.1)  # still starting up
        raise RuntimeError(f"postgres did not start within {START_SECONDS} s:\n{self.log()}")

    def stop(self) -> None:
        """A fast shutdown, as `pg_ctl stop -m fast`: open connections are cut."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_SECONDS)

    @contextmanager
    def frozen(self) -> Iterator[psycopg.Connection]:
        """The postmaster stopped with SIGSTOP: the kernel still accepts TCP connections but
        nobody answers them, while the backends of open connections carry on. Yields one such
        open connection; SIGCONT always follows."""
        with self.connect() as admin:
            os.kill(self.process.pid, signal.SIGSTOP)
            try:
                yield admin
            finally:
                os.kill(self.process.pid, signal.SIGCONT)

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(self.url(database), autocommit=True, connect_timeout=5)

    def create_database(self, name: str) -> None:
        with self.connect() as admin:
            admin.execute(f'CREATE DATABASE "{name}"')

    def log(self) -> str:
        return (self.root / "postgres.log").read_text(errors="replace")[-4000:]


def drop_connections(admin: psycopg.Connection, database: str) -> int:
    """Cut every other connection to `database`, as a server restart or a proxy would."""
    row = admin.execute(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
        " WHERE datname = %s AND pid <> pg_backend_pid()",
        [database],
    ).fetchone()
    return row[0]


@contextmanager
def private_cluster() -> Iterator[Cluster]:
    """A new cluster in a directory of its own, running; stopped and removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix="shop-postgres-"))  # under /tmp: the owner can reach it
    try:
        cluster = Cluster(root)
        if cluster.user:
            os.chown(root, *cluster.user)
        cluster.initdb()
        cluster.start()
        try:
            yield cluster
        finally:
            cluster.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)

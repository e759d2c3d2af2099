"""`deploy.fleet` tells the operator the truth: `up` refuses a port that is taken before it
starts anything, never mistakes another process's answer for its nginx's, and says when
nginx or an instance dies; `restart` shows each instance and fails loudly; `load` finds the
running fleet; `down` stops it and says what it stopped. Real processes (gunicorn, Debian's
nginx), one instance each, on free ports; everything is stopped by PID."""

import http.server
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest

from deploy.fleet import BASE_DIR, RECORD_FILE, Fleet, free_port
from tests.deploy.conftest import require_nginx

pytestmark = pytest.mark.slow
START_SECONDS = 240  # migrate, seed and collectstatic on a busy 2-core machine, then start
COMMAND_SECONDS = 120  # a restart of one instance, or a stop, with room to spare


def free_port_pair() -> int:
    """A port P with P+1 free too: nginx's HTTPS and HTTP ports."""
    while True:
        port = free_port()
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port + 1))
                return port
            except OSError:
                continue


def own_env() -> dict[str, str]:
    """The fleet's own SQLite database and demo shoppers, whatever this run's settings."""
    prefixes = ("DJANGO_", "SESSION_", "DATABASE_URL")
    return {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}


def fleet_command(run_dir: Path, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "deploy.fleet", *args, "--run-dir", str(run_dir)]
    return subprocess.run(
        command, cwd=BASE_DIR, env=own_env(), capture_output=True, text=True,
        timeout=COMMAND_SECONDS,
    )  # fmt: skip


class RunningUp:
    """`deploy.fleet up` in a process of its own, its output in a file."""

    def __init__(self, run_dir: Path, env: dict[str, str]):
        self.run_dir, self.port = run_dir, free_port_pair()
        self.output = run_dir.parent / f"{run_dir.name}-up.txt"
        command = [sys.executable, "-m", "deploy.fleet", "up", "--instances", "1",
                   "--port", str(self.port), "--run-dir", str(run_dir)]  # fmt: skip
        with self.output.open("w") as output:
            self.process = subprocess.Popen(
                command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
            )
        self.pids: list[int] = []

    @property
    def text(self) -> str:
        return self.output.read_text()

    def wait_serving(self) -> dict:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            record = self.record()
            if record and record["state"] == "serving":
                self.pids = [entry["pid"] for entry in record["processes"]]
                return record
            assert self.process.poll() is None, f"up exited early:\n{self.text}"
            time.sleep(0.3)
        raise AssertionError(f"up did not serve within {START_SECONDS} s:\n{self.text}")

    def record(self) -> dict | None:
        try:
            return json.loads((self.run_dir / RECORD_FILE).read_text())
        except (OSError, ValueError):
            return None

    def wait_for_output(self, text: str, seconds: float = 20) -> None:
        deadline = time.monotonic() + seconds
        while text not in self.text:
            assert time.monotonic() < deadline, f"{text!r} not printed:\n{self.text}"
            time.sleep(0.2)

    def stop(self) -> None:
        """Whatever a test left: `up` stops its own processes; any left are killed by PID."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=COMMAND_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
        record = self.record()
        pids = self.pids + [entry["pid"] for entry in (record or {}).get("processes", [])]
        for pid in set(pids):
            if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def fleets(tmp_path_factory) -> Iterator[tuple[RunningUp, RunningUp]]:
    """Two one-instance fleets, started side by side (their preparing is what takes time):
    one to restart and stop with `down`, one whose nginx dies."""
    require_nginx()
    folder = tmp_path_factory.mktemp("fleets")
    # The second needs no demo catalog or shoppers: a database named, not its own.
    plain = {**own_env(), "DATABASE_URL": f"sqlite:///{folder / 'plain.sqlite3'}"}
    started = [RunningUp(folder / "run-a", own_env()), RunningUp(folder / "run-b", plain)]
    try:
        for fleet in started:
            fleet.wait_serving()
        yield started[0], started[1]
    finally:
        for fleet in started:
            fleet.stop()


def gone(pid: int) -> bool:
    return not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def test_up_refuses_a_port_in_use_before_starting_anything(tmp_path):
    port = free_port_pair()
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", port))
        holder.listen()
        result = fleet_command(tmp_path / "run", "up", "--port", str(port))
    assert result.returncode == 1
    assert f"Port {port} on 127.0.0.1 is in use (by " in result.stderr
    assert f"pid {os.getpid()})" in result.stderr  # who holds it
    assert "nothing was started" in result.stderr
    assert result.stdout == ""  # no "Preparing …": nothing ran
    assert not (tmp_path / "run").exists()


def test_commands_without_a_running_fleet_say_so(tmp_path):
    for command in ("load", "restart", "down"):
        result = fleet_command(tmp_path, command)
        assert result.returncode == 1, command
        assert f"No fleet is running from {tmp_path}" in result.stderr, command


def test_up_prints_no_stray_output_and_load_finds_its_port(fleets):
    fleet, _ = fleets
    assert "objects imported automatically" not in fleet.text
    assert f"1 instance (db, round-robin) behind nginx: https://127.0.0.1:{fleet.port}" in (
        fleet.text
    )
    result = fleet_command(fleet.run_dir, "load", "--seconds", "1", "--shoppers", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"at https://127.0.0.1:{fleet.port} for 1 s" in result.stdout
    assert "Failures" not in result.stdout  # no header without lines
    statuses = [line for line in result.stdout.splitlines() if " ×" in line]
    assert statuses and all(len(line.split(maxsplit=2)) == 3 for line in statuses)


def test_restart_shows_each_instance_and_exits_1_when_one_does_not_come_back(fleets):
    fleet, _ = fleets
    result = fleet_command(fleet.run_dir, "restart")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "instance 0 (127.0.0.1:" in result.stdout and "back and healthy" in result.stdout
    assert "All 1 instance restarted and healthy." in result.stdout

    result = fleet_command(fleet.run_dir, "restart", "SESSION_BACKEND=no-such-engine")
    assert result.returncode == 1
    assert "instance 0 (127.0.0.1:" in result.stderr
    assert "did not come back healthy" in result.stderr
    assert "SESSION_BACKEND='no-such-engine' is not valid" in result.stderr  # the cause
    assert fleet.process.poll() is None  # nginx still up: the fleet goes on


def test_down_stops_the_fleet_and_says_what_it_stopped(fleets):
    fleet, _ = fleets
    record = fleet.record()
    result = fleet_command(fleet.run_dir, "down")
    assert result.returncode == 0, result.stderr + fleet.text
    stopped = f"Stopped the fleet at https://127.0.0.1:{fleet.port}: its `up` command (pid "
    assert f"{stopped}{record['pid']})" in result.stdout
    # Whether the failed restart before left instance 0 running depends on how far it got.
    assert re.search(r"(,| and) nginx \(pid \d+\)", result.stdout), result.stdout
    assert fleet.process.wait(timeout=COMMAND_SECONDS) == 0, fleet.text
    assert "Stopped nginx (pid" in fleet.text  # `up` says it too
    assert all(gone(entry["pid"]) for entry in record["processes"])
    assert fleet_command(fleet.run_dir, "down").returncode == 1  # nothing left to stop


def test_a_dead_instance_is_reported_and_a_dead_nginx_ends_up_with_1(fleets):
    _, fleet = fleets
    record = fleet.record()
    processes = {entry["name"].split(" (")[0]: entry["pid"] for entry in record["processes"]}
    os.killpg(processes["instance 0"], signal.SIGKILL)  # a crash: master and workers
    fleet.wait_for_output("was killed by SIGKILL; no instance is left to answer")

    os.kill(processes["nginx"], signal.SIGKILL)
    assert fleet.process.wait(timeout=COMMAND_SECONDS) == 1, fleet.text
    assert f"nginx (pid {processes['nginx']}) was killed by SIGKILL" in fleet.text
    assert f"https://127.0.0.1:{fleet.port} is unreachable, so the fleet stops" in fleet.text
    assert "nginx's workers left by their master (pid " in fleet.text  # stopped too
    with pytest.raises(ConnectionRefusedError):  # nothing of it holds the port
        socket.create_connection(("127.0.0.1", fleet.port), timeout=5).close()


@contextmanager
def answering(port: int) -> Iterator[None]:
    """Another process's server on the port, answering 200 to any request."""

    class Answer(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", port), Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


def test_a_health_answer_from_another_process_is_not_taken_for_nginx(tmp_path):
    """nginx dies on bind() while whatever holds the port answers /healthz: a failed start."""
    require_nginx()
    fleet = Fleet({}, tmp_path, size=1, http_port=free_port())
    fleet.instances = [fleet.new_instance(0)]  # nginx starts without it
    with answering(fleet.http_port):
        try:
            with pytest.raises(RuntimeError, match="nginx exited with status 1"):
                fleet.start_nginx()
        finally:
            fleet.stop()
    assert "Address already in use" in (tmp_path / "nginx-error.log").read_text()

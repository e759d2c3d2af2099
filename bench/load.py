"""What the engine benchmark measures against one running server: load with locust, worker
memory, lost cart changes, and round trips per request of one journey."""

import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import psutil
import requests

from bench import journey
from bench.round_trips import COUNT_HEADER, TRIPS_HEADER, parse
from tools.servers import BASE_DIR

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
HTTP_TIMEOUT = 10  # seconds for one request outside locust
SESSION_COOKIE = "sessionid"  # the benchmark serves plain HTTP: no __Host- prefix


@dataclass
class Load:
    """One locust run: requests, failures, rate and latency (ms) overall and per step."""

    requests: int
    failures: int
    per_second: float
    percentiles: dict[str, float]  # "50%" → ms, all requests
    steps: dict[str, dict[str, float]]  # step name → {"50%": ms, "requests": n}
    errors: str = ""  # locust's error report, when requests failed


def run_locust(
    url: str, user_class: str, env: dict, users: int, seconds: float, pace: float
) -> Load:
    """Run locust headless for `seconds` with `users` (each paced to `pace` requests a
    second, or unpaced at 0) and read the statistics it saves."""
    with tempfile.TemporaryDirectory(prefix="bench-locust-") as folder:
        stats_file = Path(folder) / "stats"
        command = [
            sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), user_class,
            "--headless", "--host", url, "--users", str(users), "--spawn-rate", str(users),
            "--run-time", f"{max(1, round(seconds))}s", "--stop-timeout", "5",
            "--json-file", str(stats_file), "--only-summary",
            "--exit-code-on-error", "0",
        ]  # fmt: skip
        run_env = {**os.environ, **env, "BENCH_PACE": str(pace)}
        finished = subprocess.run(
            command, cwd=BASE_DIR, env=run_env, capture_output=True, text=True,
            timeout=seconds + 60,
        )  # fmt: skip
        if finished.returncode != 0:
            raise RuntimeError(f"locust failed:\n{finished.stdout}\n{finished.stderr}")
        stats = read_stats(json.loads(stats_file.with_suffix(".json").read_text()))
        if not stats.requests:
            raise RuntimeError(f"locust sent no request:\n{finished.stderr}")
        if stats.failures:
            stats.errors = error_report(finished.stdout + finished.stderr)
        return stats


def error_report(output: str) -> str:
    """The table of failures locust prints at the end of a run."""
    _, found, rest = output.partition("Error report")
    return found + rest.split("\n\n")[0] if found else output[-2000:]


def percentile(times: Counter, share: float) -> float:
    """The response time (ms) below which `share` of the requests fall; locust keeps each
    time rounded into a bucket with its count."""
    wanted, seen = share * times.total(), 0
    for milliseconds in sorted(times):
        seen += times[milliseconds]
        if seen >= wanted:
            return float(milliseconds)
    return math.nan


def read_stats(entries: list[dict]) -> Load:
    """Locust's saved entries (one per step) as totals, rate and percentiles."""
    everything: Counter = Counter()
    steps = {}
    for entry in entries:
        times = Counter({float(ms): n for ms, n in entry["response_times"].items()})
        everything.update(times)
        steps[entry["name"]] = {"50%": percentile(times, 0.5), "requests": entry["num_requests"]}
    start = min(entry["start_time"] for entry in entries)
    end = max(entry["last_request_timestamp"] or start for entry in entries)
    requests_made = sum(entry["num_requests"] for entry in entries)
    return Load(
        requests=requests_made,
        failures=sum(entry["num_failures"] for entry in entries),
        per_second=requests_made / max(end - start, 1e-3),
        percentiles={f"{round(p * 100)}%": percentile(everything, p) for p in (0.5, 0.95, 0.99)},
        steps=steps,
    )


def code_cpu(env: dict[str, str], journeys: int) -> dict[str, float]:
    """Median CPU ms per journey step, in one process with Django's test client."""
    finished = subprocess.run(
        [sys.executable, "-m", "bench.cpu_journey", str(journeys)], cwd=BASE_DIR,
        env={**os.environ, **env}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if finished.returncode != 0:
        raise RuntimeError(f"the in-process journey failed:\n{finished.stderr[-3000:]}")
    costs = json.loads(finished.stdout.splitlines()[-1])
    return {step: statistics.median(times) for step, times in costs.items()}


def worker_cpu_seconds(master_pid: int) -> float:
    """CPU time (user and system) the gunicorn workers have used so far."""
    times = [worker.cpu_times() for worker in psutil.Process(master_pid).children()]
    return sum(t.user + t.system for t in times)


def worker_memory(master_pid: int) -> int:
    """Resident bytes of the gunicorn worker that holds the most."""
    workers = psutil.Process(master_pid).children()
    return max(worker.memory_info().rss for worker in workers)


def csrf_session(url: str) -> requests.Session:
    """A browser-like client with a CSRF cookie from a page with a form."""
    client = requests.Session()
    client.get(f"{url}/accounts/login/", timeout=HTTP_TIMEOUT).raise_for_status()
    return client


def post(client: requests.Session, url: str, path: str, data: dict) -> requests.Response:
    headers = {"X-CSRFToken": client.cookies["csrftoken"]}
    return client.post(
        f"{url}{path}", data=data, headers=headers, allow_redirects=False, timeout=HTTP_TIMEOUT
    )


def cart_count(client: requests.Session, url: str) -> int:
    return client.get(f"{url}/cart/summary/", timeout=HTTP_TIMEOUT).json()["count"]


def kept_changes(url: str, product_id: int, threads: int, adds_each: int) -> tuple[int, int]:
    """Concurrent adds of one product on one session, as from several tabs of one browser
    (one cookie jar): (changes made, changes the cart kept). Every add must be accepted."""
    client = csrf_session(url)
    post(client, url, f"/cart/add/{product_id}/", {"quantity": "1"})
    start = threading.Barrier(threads)
    refused: list[int] = []

    def adds() -> None:
        start.wait()
        for _ in range(adds_each):
            status = post(client, url, f"/cart/add/{product_id}/", {"quantity": "1"}).status_code
            if status != 302:
                refused.append(status)

    workers = [threading.Thread(target=adds) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if refused:
        raise RuntimeError(f"concurrent adds were answered {sorted(set(refused))}, not 302")
    return threads * adds_each, cart_count(client, url) - 1


@dataclass
class JourneyTrips:
    trips: dict[str, dict[str, int]]  # step → {"sql", "transactions", "redis"}
    cookie_bytes: int  # the session cookie a signed-in shopper sends with a cart line


def journey_trips(url: str, product: tuple[int, str], username: str, password: str) -> JourneyTrips:
    """Walk the journey once, as one shopper, with each request counted by the server."""
    client = csrf_session(url)
    client.headers[COUNT_HEADER] = "1"
    trips: dict[str, dict[str, int]] = {}
    cookie = ""
    for step in journey.steps(*product, username, password):
        if step.method == "get":
            response = client.get(f"{url}{step.path}", timeout=HTTP_TIMEOUT)
        else:
            response = post(client, url, step.path, step.data)
        if response.status_code != step.expected_status:
            raise RuntimeError(f"{step.name}: status {response.status_code}")
        trips[step.name] = parse(response.headers[TRIPS_HEADER])
        if step.name == journey.SIGNED_IN_STEP:
            cookie = client.cookies.get(SESSION_COOKIE, "")  # with the cart line, signed in
    return JourneyTrips(trips, len(f"{SESSION_COOKIE}={cookie}"))

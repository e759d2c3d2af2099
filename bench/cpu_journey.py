"""The journey's CPU cost per step, in one process with Django's test client: no network,
no locust, no other server competing, so less of the machine's noise reaches it. The engine
benchmark runs it once per server and round, with that server's settings and database, and
reads the JSON it prints: {step: [CPU ms of each request]}.

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.cpu_journey 50
"""

import json
import os
import sys
import time
from collections import defaultdict
from contextlib import nullcontext

import django

from bench import journey

WARM_UP = 5  # journeys before timing: imports, connections, compiled templates


def one_journey(
    product: tuple[int, str], username: str, password: str, around=None
) -> list[tuple[journey.Step, float]]:
    """One shopper's journey from a new client: each step with its request's CPU ms.
    `around(step)`, if given, is a context entered around each request (a profiler)."""
    from django.test import Client

    client = Client(SERVER_NAME="127.0.0.1")
    spent = []
    for step in journey.steps(*product, username, password):
        with around(step) if around else nullcontext():
            started = time.process_time()
            response = getattr(client, step.method)(step.path, step.data)
            elapsed = time.process_time() - started
        if response.status_code != step.expected_status:
            raise RuntimeError(f"{step.name}: status {response.status_code}")
        spent.append((step, 1000 * elapsed))
    return spent


def journeys(count: int, product: tuple[int, str], username: str, password: str) -> dict:
    costs: dict[str, list[float]] = defaultdict(list)
    for number in range(WARM_UP + count):
        for step, spent in one_journey(product, username, password):
            if number >= WARM_UP:
                costs[step.name].append(spent)
    return costs


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    product = tuple(json.loads(os.environ["BENCH_PRODUCTS"])[2])
    username = os.environ["BENCH_CPU_SHOPPER"]
    print(json.dumps(journeys(int(sys.argv[1]), product, username, os.environ["BENCH_PASSWORD"])))


if __name__ == "__main__":
    main()

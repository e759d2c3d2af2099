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

import django

from bench import journey

WARM_UP = 5  # journeys before timing: imports, connections, compiled templates


def journeys(count: int, product: tuple[int, str], username: str, password: str) -> dict:
    from django.test import Client

    costs: dict[str, list[float]] = defaultdict(list)
    for number in range(WARM_UP + count):
        client = Client(SERVER_NAME="127.0.0.1")
        for step in journey.steps(*product, username, password):
            started = time.process_time()
            response = getattr(client, step.method)(step.path, step.data)
            spent = time.process_time() - started
            if response.status_code != step.expected_status:
                raise RuntimeError(f"{step.name}: status {response.status_code}")
            if number >= WARM_UP:
                costs[step.name].append(1000 * spent)
    return costs


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    product = tuple(json.loads(os.environ["BENCH_PRODUCTS"])[2])
    username = os.environ["BENCH_CPU_SHOPPER"]
    print(json.dumps(journeys(int(sys.argv[1]), product, username, os.environ["BENCH_PASSWORD"])))


if __name__ == "__main__":
    main()

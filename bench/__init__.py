"""The benchmarks, not run by the test suite (.ci/run runs a smoke version of the first):

- `engines.py`: what each session engine costs, side by side with stock Django (the stock
  twin, tools/stock_twin/) and the peers, under locust (`locustfile.py`, `load.py`), written
  by `report.py` to the figures and chart the shop ships and the tables in docs/benchmark/.
- `paired.py`: CPU per request, the shop beside its stock twin in process, in interleaved
  rounds, as a median ratio with a bootstrap interval per engine and step kind.
- `sessions.py`: the session pages (the admin's list, "your devices") at a million sessions.
- `redis_memory.py`: what a session takes in Redis on both Redis engines.

How to run them, and what they found: docs/benchmark.md.
"""

REDIS_PREFIX = "shop-bench-engines"  # every Redis key the engine benchmark writes starts so

"""Tools beside the shop, not part of it and not tests: importable without tests/.

- `perf/`: the benchmarks (what each engine costs against stock Django and the peers; the
  session pages at a million sessions; a session's size in Redis). See docs/benchmark.md.
- `shoppers.py`: shoppers that sign in and fill carts against a running shop, the steady
  load the fault tests and `python -m deploy.fleet load` use.
- `stock_twin/`: the same code on Django's own stores and on the peers' stores.
- `servers.py`, `waiting.py`: start real servers and wait for them, bounded in time.
"""

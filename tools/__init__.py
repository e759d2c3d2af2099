"""Tools beside the shop, not part of it and not tests: importable without tests/.

- `shoppers.py`: shoppers that sign in and fill carts against a running shop, the steady
  load the fault tests and `python -m deploy.fleet load` use.
- `stock_twin/`: the same code on Django's own stores and on the peers' stores, for the
  benchmark (bench/) and the round-trip tests.
- `servers.py`, `waiting.py`: start real servers and wait for them, bounded in time.
"""

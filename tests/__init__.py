"""One package per app (accounts, cart, catalog, orders, register as register/, devices/ and
admin/) and cross-cutting suites: engines/, moving/, contract/ (Django's own session tests),
security/, browser/ (Chromium), and the fleets under fault: deploy/, redis_ha/,
database_faults/. `conftest.py`'s `session_backend` runs a test once per engine."""

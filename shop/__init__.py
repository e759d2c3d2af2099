"""The project package: settings (`settings.py`, read from the environment through `env.py`),
root URLs, WSGI, and the apps that live beside the catalog:

- `sessions/`: where a visitor's state lives (the engines, the middleware, lifetimes, moving).
- `register/`: sessions as things people own (rows, ending, your devices, Active sessions).
- `catalog/`, `orders/`: the storefront's products, and checkout with its orders.
- Small shared helpers: `http.py` (answers and redirects), `client_ip.py`, `rate_limits.py`
  and `counter_cache.py`, `no_store.py`, `health.py` (/healthz), `engine_comparison.py`
  (/state/'s facts per engine and the benchmark's ratios from `data/`), `engine_choice.py`
  (the verdicts and the pure recommender) with `engine_questions.py` (its form),
  `security.py`, `mail_settings.py` and `mail.py` (mail after the fact), `admin_buttons.py`
  (admin buttons that POST).
"""

"""Sessions whole: where a visitor's state lives, and how it changes safely.

- `config.py`: the one SESSION_BACKEND setting turned into Django's session and cache settings.
- The stores, one module per engine, each exporting `SessionStore` as Django's
  SESSION_ENGINE contract asks: `signed_cookies.py` (cookie), `db.py` (db), `cache.py`
  (redis), `cached_db.py` (redis_db), `memory.py` (memory: this process's own cache),
  `file.py` (file: this instance's disk); `moving.py` moves sessions in from
  SESSION_MIGRATE_FROM.
- `base.py`: what the shop asks of every store beyond Django's (what it can do, key digests,
  the per-session lock and the merge of concurrent changes); `outage.py`: a Redis outage.
- `middleware.py`: Django's session middleware, one change at a time per session.
- `lifetime.py`: how long a signed-in session lasts; `admission.py`: new sessions per address;
  `room.py`: the bytes later steps need kept free in a cookie session, and writing if they are.
- `redis_cluster.py`: Redis Cluster under django-redis.

Who owns a session as a thing people see and end is the register (`shop/register/`).
"""

"""Twins of the shop for comparison: the same code on other session stores, without the
shop's per-session lock and register. The stock twin runs Django's own stores (keyed by the
raw key); the peers run the packages people install instead (django-user-sessions,
django-qsessions). Each store is given only what the shop's code asks of any store
(ShopStoreMixin). Benchmarks and round-trip tests compare the shop against them.

Each twin needs only the settings `shop.sessions.config.session_settings` makes for its
engine: the stock twin of `memory` runs Django's cache store on the local-memory cache that
function configures for the shop's memory engine (MEMORY_CACHE_ALIAS, the same size limit),
and the stock twin of `file` Django's file store in SESSION_FILE_PATH, which Django wants to
exist already."""

from shop.sessions.config import MEMORY_CACHE_ALIAS

SHOP_SESSION_MIDDLEWARE = "shop.sessions.middleware.SessionMiddleware"
SHOP_ONLY_MIDDLEWARE = {"shop.register.middleware.SessionRegisterMiddleware"}
DJANGO_SESSION_MIDDLEWARE = "django.contrib.sessions.middleware.SessionMiddleware"

STOCK_ENGINES = {
    "cookie": "shop.sessions.signed_cookies",  # the shop's cookie store takes no lock anyway
    "db": "tools.stock_twin.db",
    "redis": "tools.stock_twin.cache",
    "redis_db": "tools.stock_twin.cached_db",
    "memory": "tools.stock_twin.memory",
    "file": "tools.stock_twin.file",
}
# Settings a stock twin needs beyond SESSION_ENGINE: Django's cache store reads the cache
# SESSION_CACHE_ALIAS names, which is the shop's default cache on `memory`, not its sessions'.
STOCK_SETTINGS = {"memory": {"SESSION_CACHE_ALIAS": MEMORY_CACHE_ALIAS}}
# Peers keep sessions in the database only: (store, middleware, app).
PEERS = {
    "user_sessions": (
        "tools.stock_twin.user_sessions",
        "user_sessions.middleware.SessionMiddleware",
        "user_sessions",
    ),
    "qsessions": (
        "tools.stock_twin.qsessions",
        "qsessions.middleware.SessionMiddleware",
        "qsessions",
    ),
}
TWINS = ("shop", "stock", *PEERS)


def twin_sessions(twin: str, backend: str, middleware: list[str]) -> dict:
    """SESSION_ENGINE and MIDDLEWARE for one twin of the shop on one engine, and any other
    setting its store needs (SESSION_CACHE_ALIAS for the stock twin of `memory`)."""
    if twin == "shop":
        return {"SESSION_ENGINE": None, "MIDDLEWARE": middleware}
    if twin == "stock":
        engine, session_middleware = STOCK_ENGINES[backend], DJANGO_SESSION_MIDDLEWARE
    elif backend == "db":
        engine, session_middleware, _ = PEERS[twin]
    else:
        raise ValueError(f"{twin} keeps sessions in the database only, not on {backend}")
    swapped = [
        session_middleware if name == SHOP_SESSION_MIDDLEWARE else name
        for name in middleware
        if name not in SHOP_ONLY_MIDDLEWARE
    ]
    extra = STOCK_SETTINGS.get(backend, {}) if twin == "stock" else {}
    return {"SESSION_ENGINE": engine, "MIDDLEWARE": swapped, **extra}

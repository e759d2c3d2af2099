"""The real checks behind /healthz: the database, and the store that holds sessions."""

from django.conf import settings
from django.db import Error, connection

from shop.sessions.config import store_class

OK, ERROR = "ok", "error"


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Error:  # InterfaceError too: a connection already closed
        return ERROR
    return OK


def session_store_status(database: str) -> str:
    store = store_class(settings.SESSION_BACKEND)
    if database == ERROR and store.kept_in_database:
        return ERROR  # and asking again could wait out a second connect timeout
    return OK if store.reachable() else ERROR


def overall_status(database: str, sessions: str) -> str:
    """Down when the database is; degraded when redis_db falls back to its database."""
    if database == ERROR:
        return "down"
    if sessions == ERROR:
        return "degraded" if store_class(settings.SESSION_BACKEND).survives_cache_loss else "down"
    return "ok"


def report() -> dict:
    database = database_status()
    sessions = session_store_status(database)
    return {
        "status": overall_status(database, sessions),
        "database": database,
        "sessions": {"backend": settings.SESSION_BACKEND, "status": sessions},
    }

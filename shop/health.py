"""The real checks behind /healthz: the database, and the store that holds sessions."""

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import DatabaseError, connection
from django_redis import get_redis_connection
from redis import RedisError

from shop.session_backends import REDIS_BACKENDS

OK, ERROR = "ok", "error"


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return ERROR
    return OK


def session_store_status() -> str:
    backend = settings.SESSION_BACKEND
    if backend in REDIS_BACKENDS:
        try:
            get_redis_connection(settings.SESSION_CACHE_ALIAS).ping()
        except RedisError:
            return ERROR
        return OK
    if backend == "db":
        try:
            Session.objects.filter(pk="healthz").exists()
        except DatabaseError:
            return ERROR
    return OK  # a signed cookie needs nothing on the server


def overall_status(database: str, sessions: str) -> str:
    """Down when the database is; degraded when redis_db falls back to its database."""
    if database == ERROR:
        return "down"
    if sessions == ERROR:
        return "degraded" if settings.SESSION_BACKEND == "redis_db" else "down"
    return "ok"


def report() -> dict:
    database = database_status()
    sessions = session_store_status()
    return {
        "status": overall_status(database, sessions),
        "database": database,
        "sessions": {"backend": settings.SESSION_BACKEND, "status": sessions},
    }

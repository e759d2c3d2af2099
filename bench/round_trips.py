"""Round trips of one request, counted in the server for the benchmark: SQL statements,
transactions (a BEGIN and a COMMIT each) and Redis commands (a script or a pipeline is one),
counted where they go on the wire. Only a request that sends X-Bench-Count is counted, so
the load itself pays one header lookup."""

import threading

import redis.connection
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

COUNT_HEADER = "X-Bench-Count"
TRIPS_HEADER = "X-Bench-Trips"
_counts = threading.local()


def _tally(kind: str) -> None:
    tally = getattr(_counts, "tally", None)
    if tally is not None:
        tally[kind] += 1


def _counting(original, kind: str):
    def counted(*args, **kwargs):
        _tally(kind)
        return original(*args, **kwargs)

    return counted


# Installed once, when the settings load this module; they count nothing outside a request
# that asked.
BaseDatabaseWrapper._commit = _counting(BaseDatabaseWrapper._commit, "transactions")
redis.connection.Connection.send_packed_command = _counting(
    redis.connection.Connection.send_packed_command, "redis"
)


def _count_statement(execute, sql, params, many, context):
    _tally("sql")
    return execute(sql, params, many, context)


class CountingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if COUNT_HEADER not in request.headers:
            return self.get_response(request)
        _counts.tally = {"sql": 0, "transactions": 0, "redis": 0}
        try:
            with connections["default"].execute_wrapper(_count_statement):
                response = self.get_response(request)
            response[TRIPS_HEADER] = " ".join(f"{k}={v}" for k, v in _counts.tally.items())
        finally:
            _counts.tally = None
        return response


def parse(header: str) -> dict[str, int]:
    """{'sql': 5, 'transactions': 1, 'redis': 1} from the response header."""
    return {key: int(value) for key, value in (part.split("=") for part in header.split())}

"""The admin's summary of active sessions, and its paginator, at any register size.

At a million rows an exact COUNT(*) reads every row: the list counts by the planner's
estimate, and the summary is one aggregate over a sample of the register, cached for a few
seconds. Below ESTIMATE_FROM_ROWS both are exact.
"""

import json
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.functional import cached_property

from shop.register.models import SessionRecord

ESTIMATE_FROM_ROWS = 10_000
SUMMARY_CACHE_KEY = "admin:active-sessions-summary"
SUMMARY_SECONDS = 30
SUMMARY_SAMPLE_ROWS = 20_000


class EstimatedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        # COUNT(*) reads every matching row (seconds at 1M); the planner's guess costs nothing.
        estimate = planner_estimate(self.object_list)
        return estimate if estimate >= ESTIMATE_FROM_ROWS else super().count


def planner_estimate(queryset: QuerySet) -> int:
    """PostgreSQL's estimate of the rows this queryset returns; 0 on other databases."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return 0
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # e.g. user__in=[]: nothing can match, and count() knows it
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


def active_summary() -> dict:
    """Counts and cart value of all active sessions, in one query at most every 30 s."""
    return cache.get_or_set(SUMMARY_CACHE_KEY, compute_summary, SUMMARY_SECONDS)


def compute_summary() -> dict:
    rows = register_size_estimate()
    if rows < ESTIMATE_FROM_ROWS:
        return exact_summary() | moving_summary()
    percent = min(100.0, 100.0 * SUMMARY_SAMPLE_ROWS / rows)
    return sampled_summary(percent) | moving_summary()


def moving_summary() -> dict:
    """While sessions move engines: how many active ones are still on the old engine,
    counted exactly (by the engine index), since it says when that engine can go."""
    old_engine = settings.SESSION_MIGRATE_FROM
    if not old_engine:
        return {}
    still = SessionRecord.objects.active().filter(engine=old_engine).count()
    return {"old_engine": old_engine, "on_old_engine": still}


def exact_summary() -> dict:
    with_cart = Q(cart_lines__gt=0)
    totals = SessionRecord.objects.active().aggregate(
        sessions=Count("pk"),
        signed_in=Count("pk", filter=Q(user__isnull=False)),
        carts=Count("pk", filter=with_cart),
        cart_value=Sum("cart_value", filter=with_cart, default=Decimal("0.00")),
    )
    return {**totals, "guests": totals["sessions"] - totals["signed_in"], "estimated": False}


def register_size_estimate() -> int:
    """Rows in the register as of PostgreSQL's last ANALYZE; 0 on other databases."""
    connection = connections[SessionRecord.objects.db]
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
            [SessionRecord._meta.db_table],
        )
        return max(0, int(cursor.fetchone()[0]))  # -1: never analysed


def sampled_summary(percent: float) -> dict:
    """The summary from a random `percent` of the register's pages, scaled up: at a million
    rows an exact count reads them all (over 200 ms), a 2% sample some 700 pages (about 10 ms)."""
    connection = connections[SessionRecord.objects.db]
    table = connection.ops.quote_name(SessionRecord._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE user_id IS NOT NULL),"
            " COUNT(*) FILTER (WHERE cart_lines > 0),"
            " COALESCE(SUM(cart_value) FILTER (WHERE cart_lines > 0), 0)"
            f" FROM {table} TABLESAMPLE SYSTEM (%s)"
            " WHERE ended_at IS NULL AND expires_at > %s",
            [percent, timezone.now()],
        )
        sessions, signed_in, carts, cart_value = cursor.fetchone()
    scale = 100.0 / percent
    totals = {
        "sessions": rounded(sessions * scale),
        "signed_in": rounded(signed_in * scale),
        "carts": rounded(carts * scale),
        "cart_value": Decimal(rounded(float(cart_value) * scale)),
    }
    return {**totals, "guests": totals["sessions"] - totals["signed_in"], "estimated": True}


def rounded(value: float) -> int:
    """To three significant figures: a sample knows no more than that."""
    return int(float(f"{value:.3g}"))


def forget_summary() -> None:
    cache.delete(SUMMARY_CACHE_KEY)  # staff expect the numbers to move right away

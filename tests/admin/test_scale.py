"""The list stays cheap on a large register: no exact count over the table per page view."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shop.register import summary as register_summary
from shop.register.admin import SessionRecordAdmin
from shop.register.models import SessionRecord
from shop.register.summary import EstimatedCountPaginator
from tests.admin.helpers import CHANGELIST

# Rows from which the estimate is trusted, scaled down so the tests insert thousands, not tens
# of thousands: the queries run are the same.
ESTIMATE_FROM_ROWS = 1_000
ROWS = 2 * ESTIMATE_FROM_ROWS
PAGE_QUERIES = 10  # session, user, estimate or count, page, summary, register: never per row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def smaller_threshold(monkeypatch):
    monkeypatch.setattr(register_summary, "ESTIMATE_FROM_ROWS", ESTIMATE_FROM_ROWS)


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def many_sessions():
    expires = timezone.now() + timedelta(days=14)
    SessionRecord.objects.bulk_create(
        (
            SessionRecord(
                engine="db",
                ip_address=f"10.0.{n // 250}.{n % 250}",
                expires_at=expires,
                cart_lines=1 if n % 4 == 0 else 0,
                cart_value=Decimal("10.00") if n % 4 == 0 else 0,
            )
            for n in range(ROWS)
        ),
        batch_size=500,
    )
    if on_postgresql():
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE accounts_sessionrecord")  # as autovacuum would, in time


@pytest.fixture
def boss(django_user_model) -> Client:
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("boss", "b@example.com", "x"))
    client.get("/admin/")
    return client


def count_star_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "COUNT(*)" in q["sql"].upper()]


def test_the_paginator_uses_the_estimate_on_a_large_table(many_sessions):
    paginator = EstimatedCountPaginator(SessionRecord.objects.active().order_by("-last_seen"), 100)
    with CaptureQueriesContext(connection) as queries:
        count = paginator.count
    if on_postgresql():
        assert count_star_queries(queries) == []
        assert ROWS * 0.5 < count < ROWS * 2  # the planner's estimate, near the truth
    else:
        assert count == ROWS  # no estimate here: an exact count
        assert len(queries) == 1


def test_the_paginator_counts_exactly_when_few_rows_match(many_sessions):
    few = SessionRecord.objects.active().filter(ip_address="10.0.0.1").order_by("-last_seen")
    assert EstimatedCountPaginator(few, 100).count == 1


def test_the_changelist_does_not_count_the_whole_table(boss, many_sessions):
    boss.get(CHANGELIST)  # the summary is cached from here on
    with CaptureQueriesContext(connection) as queries:
        response = boss.get(CHANGELIST, {"p": "3"})
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == SessionRecordAdmin.list_per_page
    assert len(queries) <= PAGE_QUERIES
    # PostgreSQL estimates; elsewhere one exact count of the page's query, never more.
    assert len(count_star_queries(queries)) == (0 if on_postgresql() else 1)
    assert not [q for q in queries if "SUM(" in q["sql"].upper()]  # the summary was cached


def test_the_changelist_query_count_does_not_grow_with_the_page(
    boss, many_sessions, django_assert_max_num_queries
):
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert boss.get(CHANGELIST).status_code == 200
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert boss.get(CHANGELIST, {"q": "10.0.3.7"}).status_code == 200


def test_the_summary_samples_a_large_register_instead_of_counting_it(many_sessions, monkeypatch):
    monkeypatch.setattr(register_summary, "SUMMARY_SAMPLE_ROWS", ROWS * 0.8)
    with CaptureQueriesContext(connection) as queries:
        summary = register_summary.compute_summary()
    if on_postgresql():
        assert summary["estimated"]
        # A random 80% of the table's pages, scaled up: near the truth, never exact by design.
        assert ROWS * 0.5 < summary["sessions"] < ROWS * 1.5
        assert ROWS / 4 * 0.5 < summary["carts"] < ROWS / 4 * 1.5
        assert ROWS / 4 * 5 < summary["cart_value"] < ROWS / 4 * 15
        counting = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
        assert len(counting) == 1 and "TABLESAMPLE" in counting[0]
    else:  # no table statistics to size it by: an exact count
        assert not summary["estimated"]
        assert (summary["sessions"], summary["carts"]) == (ROWS, ROWS / 4)
        assert summary["cart_value"] == Decimal("5000.00")


def test_an_estimated_summary_says_so(boss, many_sessions):
    page = boss.get(CHANGELIST).content.decode()
    if on_postgresql():
        assert "<td>about " in page
        assert "Estimated from a random sample" in page
    else:
        assert "<td>about " not in page
        assert f"<td>{ROWS + 1:,}</td>" in page  # and the boss's own session

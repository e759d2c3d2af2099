"""/state/: the visitor's own session, decoded with secrets hidden; which engine to choose,
with a form that recommends one; and the six engines side by side from the committed
benchmark results, every figure against stock Django."""

import html
import json
import logging
import re

import pytest
from django.test import Client

from bench import report
from shop import engine_comparison
from tests.accounts.helpers import make_user, sign_in
from tests.cart.helpers import add

pytestmark = pytest.mark.django_db
READ, WRITE = "7 cart signed in (read)", "8 quantity (write)"


@pytest.fixture
def results_file(tmp_path, monkeypatch):
    """Point the page at a results file of the test's own."""
    path = tmp_path / "engines.json"
    monkeypatch.setattr(engine_comparison, "RESULTS", path)
    engine_comparison.comparison.cache_clear()
    yield path
    engine_comparison.comparison.cache_clear()


def server(backend: str, twin: str, per_second: list[float], journey_ms: list[float]) -> dict:
    return {
        "database": "postgres", "backend": backend, "twin": twin, "per_second": per_second,
        "cpu_ms": [ms / 8 for ms in journey_ms],
        "percentiles": [{"50%": 20.0, "95%": 41.0, "99%": 60.0}] * len(per_second),
        "code_ms": [{READ: ms / 2, WRITE: ms / 2} for ms in journey_ms],
        "kept": [40, 40] if twin == "shop" else [40, 22], "cookie_bytes": 42,
        "trips": {READ: {"sql": 3, "transactions": 0, "redis": 1},
                  WRITE: {"sql": 5, "transactions": 1, "redis": 1}},
    }  # fmt: skip


RESULTS = {
    "about": {"date": "2026-11-24 10:00 UTC", "machine": "2 CPUs", "software": "Django 5.2"},
    "settings": {"command": "uv run python -m bench.engines", "rate": 40},
    "variants": [
        server("redis", "shop", [130, 150], journey_ms=[40, 50]),
        server("redis", "stock", [100, 100], journey_ms=[52, 70]),
    ],
}


def decoded_session(page: str) -> dict:
    data = re.search(
        r'<pre class="session-data" data-testid="session-data"[^>]*>(.*?)</pre>', page, re.S
    )
    return json.loads(html.unescape(data.group(1)))


@pytest.fixture
def shopper_client(db) -> Client:
    """A client on the test settings' own engine, for what every engine shows alike."""
    return Client()


def row_of(page: str, backend: str) -> str:
    """The engine's figures and its facts."""
    return "".join(
        page.split(f'data-testid="{table}-{backend}"')[1].split("</tr>")[0]
        for table in ("engine", "facts")
    )


def test_it_shows_what_the_session_holds_with_secrets_redacted(client, make_product):
    make_user("ada")
    sign_in(client, "ada")
    jam = make_product()
    add(client, jam, "2")

    shown = decoded_session(client.get("/state/").content.decode())

    assert shown["_auth_user_hash"] == "[redacted]"
    assert shown["_auth_user_id"] == client.session["_auth_user_id"]
    assert str(jam.id) in json.dumps(shown)  # the cart line
    assert client.session["_auth_user_hash"] not in client.get("/state/").content.decode()


def test_a_visitor_without_a_session_is_told_so(client, results_file):
    page = client.get("/state/").content.decode()
    assert "You have none yet" in page
    assert 'data-testid="session-data"' not in page
    assert 'data-testid="no-results"' in page  # no results file yet
    for backend in ("db", "redis", "redis_db", "memory", "file"):
        assert "none that a cart reaches" in row_of(page, backend)
        assert "Not measured yet." in row_of(page, backend)


def test_the_engines_are_compared_with_stock_from_the_latest_results(
    client, results_file, session_backend
):
    results_file.write_text(json.dumps(RESULTS))
    page = client.get("/state/").content.decode()

    redis = row_of(page, "redis")
    assert "1.40× (1.30–1.50)" in redis  # the shop's requests a second over stock's, by round
    assert "1.35× (1.30–1.40)" in redis  # stock's CPU a journey over the shop's, by round
    assert ">4 / 4<" in redis and ">8 / 8<" in redis  # round trips, shop / stock
    assert "100% / 55%" in redis  # concurrent changes kept, shop / stock
    assert ">140<" not in redis  # never the raw requests a second
    assert "none that a cart reaches" in row_of(page, "db")
    assert "Not measured yet." in row_of(page, "db")
    assert page.count("(yours)") == 1 and "(yours)" in row_of(page, session_backend)
    assert "2026-11-24 10:00 UTC" in page


def test_every_figure_is_explained_in_one_sentence_and_no_chart_of_raw_figures_is_shown(
    shopper_client,
):
    page = html.unescape(shopper_client.get("/state/").content.decode())
    assert page.count(engine_comparison.RATIO_MEANING) == 2  # under the verdicts and the table
    assert "<img" not in page  # the benchmark's chart shows raw rates, read as "35% slower"
    assert "Requests/s" not in page


def test_the_figures_are_the_benchmark_reports_ratios(shopper_client):
    """The page and docs/benchmark.md's table (bench/report.py) agree on every ratio."""
    results = json.loads(engine_comparison.RESULTS.read_text())
    page = shopper_client.get("/state/").content.decode()
    for row in report.headline(results):
        shown = engine_comparison.comparison().row(row["backend"]).measured
        if row["database"] != "postgres":
            continue  # the page shows PostgreSQL's, where there are both
        for name, ratios in (
            ("requests", row["journey"]),
            ("cpu", row["cpu"]),
            ("journey", row["code"]),
        ):
            assert report.ratio_text(ratios).replace("**", "") == str(getattr(shown, name))
            assert str(getattr(shown, name)) in row_of(page, row["backend"])


@pytest.mark.parametrize(
    "contents",
    ['{"about": {}}', "[1, 2]", json.dumps({**RESULTS, "variants": [{"backend": "redis"}]})],
)
def test_results_of_the_wrong_shape_leave_the_facts_alone(
    client, results_file, session_backend, contents, caplog
):
    results_file.write_text(contents)
    with caplog.at_level(logging.WARNING, logger="shop.engine_comparison"):
        response = client.get("/state/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="no-results"' in page and "none that a cart reaches" in row_of(page, "db")
    assert "Not measured yet." in row_of(page, "cookie")
    assert "cannot be read" in caplog.text


@pytest.mark.django_db
def test_the_answering_instance_is_shown_in_production_to_staff_only(client, settings):
    settings.DEBUG = False
    assert 'data-testid="instance"' not in client.get("/state/").content.decode()
    staff = make_user("olga")
    staff.is_staff = True
    staff.save()
    sign_in(client, "olga")
    page = client.get("/state/").content.decode()
    assert re.search(r'data-testid="instance">[^<]+, process \d+<', page)


@pytest.mark.django_db
def test_the_answering_instance_is_shown_to_anyone_in_development(client, settings):
    settings.DEBUG = True
    assert re.search(
        r'data-testid="instance">[^<]+, process \d+<', client.get("/state/").content.decode()
    )

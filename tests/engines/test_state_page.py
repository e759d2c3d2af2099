"""/state/: the visitor's own session, decoded with secrets hidden, and the four engines side
by side from the committed benchmark results."""

import json

import pytest

from shop import engine_comparison
from tests.accounts.helpers import make_user, sign_in
from tests.cart.helpers import add

pytestmark = pytest.mark.django_db


@pytest.fixture
def results_file(tmp_path, monkeypatch):
    """Point the page at a results file of the test's own."""
    path = tmp_path / "engines.json"
    monkeypatch.setattr(engine_comparison, "RESULTS", path)
    monkeypatch.setattr(engine_comparison, "CHART", tmp_path / "engines.png")
    engine_comparison.load_results.cache_clear()
    yield path
    engine_comparison.load_results.cache_clear()


def shop_variant(backend: str, twin: str, per_second: list[float]) -> dict:
    return {
        "database": "postgres", "backend": backend, "twin": twin, "per_second": per_second,
        "percentiles": [{"50%": 20.0, "95%": 41.0, "99%": 60.0}] * len(per_second),
        "kept": [40, 40] if twin == "shop" else [40, 22], "cookie_bytes": 42,
        "trips": {"7 cart signed in (read)": {"sql": 3, "transactions": 0, "redis": 1},
                  "8 quantity (write)": {"sql": 5, "transactions": 1, "redis": 1}},
    }  # fmt: skip


def test_it_shows_what_the_session_holds_with_secrets_redacted(client, make_product):
    make_user("ada")
    sign_in(client, "ada")
    add(client, make_product(), "2")
    page = client.get("/state/").content.decode()
    assert 'data-testid="session-data"' in page
    assert "_auth_user_id" in page and "cart" in page
    assert "[redacted]" in page  # the auth hash
    assert client.session["_auth_user_hash"] not in page


def test_a_visitor_without_a_session_is_told_so(client, results_file):
    page = client.get("/state/").content.decode()
    assert "You have none yet" in page
    assert 'data-testid="session-data"' not in page
    assert 'data-testid="no-results"' in page  # no results file yet
    for backend in ("cookie", "db", "redis", "redis_db"):
        assert f'data-testid="engine-{backend}"' in page


def test_the_engines_are_compared_from_the_latest_results(client, results_file, session_backend):
    results_file.write_text(json.dumps({
        "about": {"date": "2026-11-24 10:00 UTC", "machine": "2 CPUs", "software": "Django 5.2",
                  "load": "1.0"},
        "settings": {"command": "uv run python -m tests.perf.bench_engines", "rate": 40},
        "variants": [shop_variant("redis", "shop", [130, 150]),
                     shop_variant("redis", "stock", [100, 100])],
    }))  # fmt: skip
    page = client.get("/state/").content.decode()
    redis_row = page.split('data-testid="engine-redis"')[1].split("</tr>")[0]
    assert ">140<" in redis_row  # median requests a second
    assert "1.40×" in redis_row  # median of 1.30 and 1.50 against stock
    assert "41 ms" in redis_row and "3 database, 1 Redis; 7 database, 1 Redis" in redis_row
    assert "100%" in redis_row
    db_row = page.split('data-testid="engine-db"')[1].split("</tr>")[0]
    assert "none that a cart reaches" in db_row and ">–<" in db_row  # facts, no figures
    assert f'data-testid="engine-{session_backend}"' in page.split("(yours)")[0]
    assert "2026-11-24 10:00 UTC" in page
    assert "benchmark/engines.png" not in page  # no chart file beside these results

"""The engine benchmark's arithmetic and its reports, from figures shaped like locust's."""

import json

import pytest

from bench import load, report
from tools.stock_twin import twin_sessions


def locust_entry(name: str, times: dict[int, int], failures: int = 0) -> dict:
    """One step as locust saves it: response times in rounded buckets, with counts."""
    return {
        "name": name,
        "response_times": {str(ms): n for ms, n in times.items()},
        "num_requests": sum(times.values()),
        "num_failures": failures,
        "start_time": 1000.0,
        "last_request_timestamp": 1010.0,
    }


def test_percentiles_come_from_every_step_together():
    stats = load.read_stats([
        locust_entry("5 cart (read)", {10: 90, 200: 10}),
        locust_entry("4 add (write)", {30: 100}, failures=2),
    ])  # fmt: skip
    assert stats.requests == 200 and stats.failures == 2
    assert stats.per_second == 20.0  # 200 requests in 10 s
    assert stats.percentiles == {"50%": 30.0, "95%": 30.0, "99%": 200.0}  # 190th, 198th of 200
    assert stats.steps["5 cart (read)"] == {"50%": 10.0, "requests": 100}


def variant(twin: str, per_second: list[float], read_ms: list[float], kept=(20, 20)) -> dict:
    """A server's results; its in-process CPU per step is the read_ms of each round."""
    return {
        "database": "postgres", "backend": "db", "twin": twin, "per_second": per_second,
        "cpu_ms": [1500 / rate for rate in per_second],
        "code_ms": [{report.READ_STEP: ms, report.WRITE_STEP: 2 * ms} for ms in read_ms],
        "failures": 0, "percentiles": [{"50%": 20.0, "95%": 40.0, "99%": 60.0}] * len(per_second),
        "memory": [100 * 2**20, 104 * 2**20],
        "served": 20_000, "kept": list(kept),
        "trips": {report.READ_STEP: {"sql": 2, "transactions": 0, "redis": 0},
                  report.WRITE_STEP: {"sql": 4, "transactions": 1, "redis": 0}},
        "cookie_bytes": 42,
    }  # fmt: skip


@pytest.fixture
def results() -> dict:
    return {
        "about": {"date": "2026-11-24 10:00 UTC", "machine": "2 CPUs", "software": "Django",
                  "load": "load average 1.0"},
        "settings": {"command": "uv run python -m bench.engines", "rounds": 2,
                     "seconds": 10, "users": 8, "rate": 40, "soak": 20_000, "threads": 8},
        "variants": [
            variant("shop", [120, 150], [10, 12]),
            variant("stock", [100, 100], [15, 12], kept=(40, 24)),
        ],
    }  # fmt: skip


def test_the_headline_is_the_shop_against_stock_round_by_round(results):
    [row] = report.headline(results)
    assert row["journey"] == [1.2, 1.5]
    assert row["read"] == [1.5, 1.0]  # stock's CPU over the shop's: above 1, the shop is faster
    assert row["code"] == [1.5, 1.0]  # the whole journey: both steps
    assert report.ratio_text(row["journey"]) == "**1.35×** (1.20–1.50)"
    assert row["cpu"] == pytest.approx([1.2, 1.5])  # CPU per request: stock's over the shop's


def test_the_reports_show_the_figures_and_the_machine(results, tmp_path):
    report.write(results, report.Places.inside(tmp_path))
    table = (tmp_path / "engines.md").read_text()
    assert "2026-11-24 10:00 UTC on 2 CPUs" in table
    assert (
        "| `db` | PostgreSQL | **1.35×** (1.20–1.50) | **1.35×** (1.20–1.50) | **1.25×**" in table
    )
    assert "20/20 (100%) / 24/40 (60%)" in table
    assert "| 135 (120–150) | 11.2 | 33.0 | 20 / 40 / 60 | 2, 0; 6, 0 | 42 B |" in table
    assert "| 100 → 104 MiB (+4.0%, 20,000 req) |" in table
    assert json.loads((tmp_path / "engines.json").read_text()) == results
    assert (tmp_path / "engines.png").read_bytes().startswith(b"\x89PNG")


def test_peers_run_on_the_database_engine_only():
    middleware = [
        "shop.sessions.middleware.SessionMiddleware",
        "shop.register.middleware.SessionRegisterMiddleware",
    ]
    peer = twin_sessions("qsessions", "db", middleware)
    assert peer == {
        "SESSION_ENGINE": "tools.stock_twin.qsessions",
        "MIDDLEWARE": ["qsessions.middleware.SessionMiddleware"],
    }
    with pytest.raises(ValueError, match="database only"):
        twin_sessions("qsessions", "redis", middleware)

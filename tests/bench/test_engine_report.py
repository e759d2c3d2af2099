"""The engine benchmark's arithmetic and its reports, from figures shaped like locust's."""

import json

import pytest

from bench import engines, load, report
from shop.sessions.config import SESSION_BACKENDS
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


def engine_variant(backend: str, twin: str, database: str = "postgres", **figures) -> dict:
    return {**variant(twin, [100, 100], [10, 10]), "backend": backend, "database": database,
            **figures}  # fmt: skip


def test_a_restricted_run_merges_in_place_of_the_same_engines(results):
    earlier = {**results, "variants": [
        engine_variant("db", "shop"), engine_variant("db", "stock"),
        engine_variant("memory", "shop", per_second=[1, 1]),
        engine_variant("db", "baseline"), engine_variant("db", "shop", "sqlite"),
        engine_variant("db", "baseline", "sqlite"),
    ]}  # fmt: skip
    later = {
        "about": {**results["about"], "date": "2026-11-25 09:00 UTC"},
        "settings": {**results["settings"], "command": "… --engines memory file --merge"},
        "variants": [
            engine_variant(b, t, workers=1 if b == "memory" else 2)
            for b in ("memory", "file") for t in ("shop", "stock")
        ],
    }  # fmt: skip
    merged = report.merge(later, earlier)
    assert [(v["database"], v["backend"], v["twin"]) for v in merged["variants"]] == [
        ("postgres", "db", "shop"), ("postgres", "db", "stock"),
        ("postgres", "memory", "shop"), ("postgres", "memory", "stock"),
        ("postgres", "file", "shop"), ("postgres", "file", "stock"),
        ("postgres", "db", "baseline"),
        ("sqlite", "db", "shop"), ("sqlite", "db", "baseline"),
    ]  # fmt: skip
    assert merged["variants"][2]["per_second"] == [100, 100]  # the new run's, not the old
    assert merged["about"] == earlier["about"] and merged["settings"] == earlier["settings"]
    [note] = merged["merged"]
    assert note["date"] == "2026-11-25 09:00 UTC"
    assert note["servers"][0] == "postgres memory shop" and len(note["servers"]) == 4
    table = report.markdown(merged)
    assert "Merged in: postgres memory shop, postgres memory stock" in table
    assert "`memory`, the shop and its stock twin alike, 1 worker × 8 threads" in table
    assert "| `file` | PostgreSQL | **1.00×**" in table
    # Merging again replaces the note of the servers measured again.
    again = report.merge({**later, "about": {**later["about"], "date": "later"}}, merged)
    assert [m["date"] for m in again["merged"]] == ["later"]


def test_a_merge_with_other_settings_is_refused(results):
    later = {**results, "settings": {**results["settings"], "rounds": 1}}
    with pytest.raises(ValueError, match=r"rounds 2 \(now 1\)"):
        report.merge(later, results)


def test_every_engine_is_benchmarked_and_a_restricted_run_serves_only_its_engines():
    smoke = engines.variants(engines.parse_args(["--smoke"]))
    assert {v.backend for v in smoke} == set(SESSION_BACKENDS)
    assert {(v.backend, v.twin) for v in smoke} >= {
        ("memory", "shop"), ("memory", "stock"), ("file", "shop"), ("file", "stock")
    }  # fmt: skip
    full = engines.variants(engines.parse_args([]))
    assert {v.backend for v in full if v.database == "postgres"} == set(SESSION_BACKENDS)
    restricted = engines.parse_args(["--engines", "memory", "file", "--merge"])
    assert [v.name for v in engines.variants(restricted)] == [
        "postgres memory shop", "postgres memory stock",
        "postgres file shop", "postgres file stock",
    ]  # fmt: skip
    assert engines.command_of(restricted) == (
        "uv run python -m bench.engines --engines memory file --merge"
    )


def test_the_published_results_are_the_ones_the_shop_reads():
    from shop.engine_comparison import RESULTS
    from tools.servers import BASE_DIR

    places = report.Places.published()
    assert places.figures == RESULTS
    assert places.chart == BASE_DIR / "static" / "benchmark" / "engines.png"
    assert places.tables == BASE_DIR / "docs" / "benchmark" / "engines.md"
    assert all(place.parent.is_dir() for place in (places.figures, places.chart, places.tables))

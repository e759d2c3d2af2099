"""The four engines side by side, for the /state/ page: what each keeps and allows (facts
about the stores), and what each costs (the latest committed benchmark results,
docs/benchmark/engines.json, written by `python -m tests.perf.bench_engines`)."""

import json
import statistics
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

RESULTS = Path(settings.BASE_DIR) / "docs" / "benchmark" / "engines.json"
CHART = RESULTS.with_suffix(".png")  # served as static/benchmark/engines.png
READ_STEP, WRITE_STEP = "7 cart signed in (read)", "8 quantity (write)"


@dataclass(frozen=True)
class Facts:
    size_limit: str
    restart: str  # what a restart of the web tier or the store does to sessions
    store_loss: str  # what losing Redis does
    stolen_cookie: str  # what a copied cookie allows, and until when


FACTS = {
    "cookie": Facts(
        size_limit="4,096 bytes per cookie; a cart that would not fit is refused",
        restart="nothing to lose: the state is in the browser",
        store_loss="no store to lose",
        stolen_cookie="acts as you until you sign out or its lifetime ends: the user row "
        "records ended sessions, so a copy dies with the original",
    ),
    "db": Facts(
        size_limit="none that a cart reaches (a text column)",
        restart="survives restarts of the web tier and of the database",
        store_loss="no Redis involved",
        stolen_cookie="acts as you until you, or staff, end that session",
    ),
    "redis": Facts(
        size_limit="none that a cart reaches (512 MB per value)",
        restart="survives web restarts; a Redis restart without persistence signs everyone "
        "out and empties every cart",
        store_loss="pages still answer, signed out with an empty cart; changes get a 503 "
        "until Redis is back (with its data, if it kept it)",
        stolen_cookie="acts as you until you, or staff, end that session",
    ),
    "redis_db": Facts(
        size_limit="none that a cart reaches (a text column)",
        restart="survives restarts of the web tier, Redis and the database",
        store_loss="nothing lost: sessions are read from the database",
        stolen_cookie="acts as you until you, or staff, end that session",
    ),
}


@dataclass(frozen=True)
class Measured:
    per_second: float  # the shop's journey requests a second
    versus_stock: float | None  # how many times faster than stock Django, median of rounds
    p95_ms: float  # at the fixed arrival rate
    read_trips: str  # database, Redis round trips of a signed-in cart page
    write_trips: str  # … of a quantity change
    cookie_bytes: int
    kept_percent: float | None  # concurrent cart changes kept


@dataclass(frozen=True)
class EngineRow:
    backend: str
    facts: Facts
    measured: Measured | None


def engine_rows() -> list[EngineRow]:
    results = load_results()
    return [EngineRow(b, FACTS[b], measured(results, b)) for b in FACTS]


def about() -> dict | None:
    """When, where and how the results were measured; None before the first run."""
    results = load_results()
    if not results:
        return None
    return {**results["about"], **results["settings"], "chart": CHART.exists()}


@cache
def load_results() -> dict | None:
    try:
        return json.loads(RESULTS.read_text())
    except (OSError, ValueError):
        return None


def measured(results: dict | None, backend: str) -> Measured | None:
    """The shop on this engine, on PostgreSQL where it was measured there."""
    shop, stock = (variant(results, backend, twin) for twin in ("shop", "stock"))
    if shop is None:
        return None
    made, kept = shop["kept"]
    return Measured(
        per_second=statistics.median(shop["per_second"]),
        versus_stock=statistics.median(
            a / b for a, b in zip(shop["per_second"], stock["per_second"], strict=True)
        ) if stock else None,
        p95_ms=statistics.median(run["95%"] for run in shop["percentiles"]),
        read_trips=trips(shop["trips"].get(READ_STEP)),
        write_trips=trips(shop["trips"].get(WRITE_STEP)),
        cookie_bytes=shop["cookie_bytes"],
        kept_percent=100 * kept / made if made else None,
    )  # fmt: skip


def variant(results: dict | None, backend: str, twin: str) -> dict | None:
    candidates = [
        v for v in (results or {}).get("variants", [])
        if v["backend"] == backend and v["twin"] == twin
    ]  # fmt: skip
    candidates.sort(key=lambda v: v["database"] != "postgres")
    return candidates[0] if candidates else None


def trips(counted: dict[str, int] | None) -> str:
    if not counted:
        return "–"
    return f"{counted['sql'] + 2 * counted['transactions']} database, {counted['redis']} Redis"

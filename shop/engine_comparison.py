"""The four engines side by side, for the /state/ page: what each keeps and allows (facts
about the stores), and what each costs (the latest committed benchmark results,
shop/data/engines.json, written by `python -m bench.engines`)."""

import json
import logging
import statistics
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.templatetags.static import static

logger = logging.getLogger(__name__)

RESULTS = Path(__file__).resolve().parent / "data" / "engines.json"
CHART_STATIC = "benchmark/engines.png"  # in static/, beside the shop's other static files
CHART = Path(settings.BASE_DIR) / "static" / CHART_STATIC
# The steps of bench/journey.py whose round trips the page shows.
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
    versus_stock: float | None  # stock's CPU per journey over the shop's, in-process
    p95_ms: float  # at the fixed arrival rate
    read_trips: str  # database, Redis round trips of a signed-in cart page
    write_trips: str  # … of a quantity change
    cookie_bytes: int
    kept_percent: int | None  # concurrent cart changes kept, rounded as the benchmark's report


@dataclass(frozen=True)
class EngineRow:
    backend: str
    facts: Facts
    measured: Measured | None


@dataclass(frozen=True)
class Comparison:
    rows: list[EngineRow]
    measured_on: dict | None  # date, machine, command, rate; None without results
    chart_url: str | None


FACTS_ONLY = Comparison([EngineRow(b, FACTS[b], None) for b in FACTS], None, None)
MALFORMED = (KeyError, TypeError, ValueError, ZeroDivisionError, statistics.StatisticsError)


@cache
def comparison() -> Comparison:
    """Read once per process: the results change only with a new deployment."""
    try:
        results = json.loads(RESULTS.read_text())
        rows = [EngineRow(b, FACTS[b], measured(results, b)) for b in FACTS]
        measured_on = {key: results["about"][key] for key in ("date", "machine")}
        measured_on |= {key: results["settings"][key] for key in ("command", "rate")}
    except OSError:
        return FACTS_ONLY  # not measured yet
    except MALFORMED as error:
        logger.warning(
            "%s cannot be read (%r): the engines are shown without figures", RESULTS, error
        )
        return FACTS_ONLY
    return Comparison(rows, measured_on, chart_url())


def chart_url() -> str | None:
    try:
        return static(CHART_STATIC) if CHART.exists() else None
    except ValueError:  # in production, a chart added after collectstatic ran
        return None


def measured(results: dict, backend: str) -> Measured | None:
    """The shop on this engine, on PostgreSQL where it was measured there."""
    shop, stock = (variant(results, backend, twin) for twin in ("shop", "stock"))
    if shop is None:
        return None
    made, kept = shop["kept"]
    return Measured(
        per_second=statistics.median(shop["per_second"]),
        versus_stock=code_versus(shop, stock) if stock else None,
        p95_ms=statistics.median(run["95%"] for run in shop["percentiles"]),
        read_trips=trips(shop["trips"].get(READ_STEP)),
        write_trips=trips(shop["trips"].get(WRITE_STEP)),
        cookie_bytes=shop["cookie_bytes"],
        kept_percent=round(100 * kept / made) if made else None,  # half to even, as :.0f
    )


def code_versus(shop: dict, stock: dict) -> float:
    """Stock's CPU per journey over the shop's, in-process, median of the rounds."""
    rounds = zip(shop["code_ms"], stock["code_ms"], strict=True)
    return statistics.median(sum(b.values()) / sum(a.values()) for a, b in rounds)


def variant(results: dict, backend: str, twin: str) -> dict | None:
    candidates = [v for v in results["variants"] if v["backend"] == backend and v["twin"] == twin]
    candidates.sort(key=lambda v: v["database"] != "postgres")
    return candidates[0] if candidates else None


def trips(counted: dict[str, int] | None) -> str:
    if not counted:
        return "–"
    return f"{counted['sql'] + 2 * counted['transactions']} database, {counted['redis']} Redis"

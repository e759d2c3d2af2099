"""The six engines side by side, for /state/ and the README: what each keeps and allows
(facts about the stores, in words for people and as traits the recommender reads), and what
each costs against stock Django (shop/data/engines.json, written by `python -m bench.engines`).

Every measured figure shown is of one kind: the shop's speed as a multiple of stock Django's
on the same engine, taken round by round as bench/report.py takes it (RATIO_MEANING)."""

import json
import logging
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from functools import cache
from pathlib import Path

from shop.sessions.config import MEMORY_SESSIONS_KEPT

logger = logging.getLogger(__name__)

RESULTS = Path(__file__).resolve().parent / "data" / "engines.json"
# The steps of bench/journey.py whose round trips the page shows.
READ_STEP, WRITE_STEP = "7 cart signed in (read)", "8 quantity (write)"
DATABASES = {"postgres": "PostgreSQL", "sqlite": "SQLite"}
RATIO_MEANING = (
    "Each × figure is the shop's speed as a multiple of stock Django's on the same engine, "
    "measured side by side round by round: the median, with the slowest and fastest round "
    "in brackets; 1.00× is stock's speed, above it the shop is faster or cheaper, below it "
    "slower or costlier."
)


class Survival(IntEnum):
    """What a session outlives; each level includes the ones below it."""

    NOTHING = 0  # lost when the process that holds it stops
    RESTART = 1  # outlives restarts and deploys of the shop
    FAILURE = 2  # outlives losing an instance, its disk or Redis


@dataclass(frozen=True)
class Facts:
    place: str  # where the state lives
    instances: str  # who can read it when several instances serve the shop
    survival: str  # what restarts and failures do to it
    stolen_cookie: str  # what a copied cookie reveals and allows
    ending: str  # what ending a session (by its owner or staff) does
    size_limit: str
    per_request: str  # what serving one request costs in session work
    # The same facts as traits, for the recommender:
    shared: bool  # every instance reads it without sticky routing
    survives: Survival
    cookie_carries_session: bool  # a copied cookie is the session itself
    ending_takes_data: bool  # ending deletes the data, not only the sign-in
    reads_from: str  # "browser", "process", "disk", "database" or "redis"
    needs_redis: bool


KEY_COOKIE = "a random key that reveals nothing; acts as you until you, or staff, end that session"

FACTS = {
    "cookie": Facts(
        place="in the browser, in a signed cookie; the server keeps nothing",
        instances="every instance reads it: it comes with each request",
        survival="nothing to lose on the server: the state is in the browser",
        stolen_cookie="the whole session, readable by whoever holds it (signed, not "
        "encrypted); acts as you until you sign out, or you or staff end the session",
        ending="ends the sign-in at once (the user row records ended sessions; guests via "
        "each process polling the register every 2 s), but a copy keeps the cart it carries",
        size_limit="4,096 bytes per cookie; a cart that would not fit is refused",
        per_request="no store: the whole session rides on every request",
        shared=True,
        survives=Survival.FAILURE,
        cookie_carries_session=True,
        ending_takes_data=False,
        reads_from="browser",
        needs_redis=False,
    ),
    "db": Facts(
        place="in the database, a row per session",
        instances="every instance reads the shared database",
        survival="survives restarts of the web tier and of the database",
        stolen_cookie=KEY_COOKIE,
        ending="deletes the row at once",
        size_limit="none that a cart reaches (a text column)",
        per_request="one database query a read, on the database the shop runs anyway",
        shared=True,
        survives=Survival.FAILURE,
        cookie_carries_session=False,
        ending_takes_data=True,
        reads_from="database",
        needs_redis=False,
    ),
    "redis": Facts(
        place="in Redis only, with an expiry",
        instances="every instance reads the shared Redis",
        survival="survives web restarts; losing Redis, or restarting one that does not "
        "persist, signs everyone out and empties every cart",
        stolen_cookie=KEY_COOKIE,
        ending="deletes the key at once",
        size_limit="none that a cart reaches (512 MB per value)",
        per_request="one Redis round trip a read, and a Redis to run",
        shared=True,
        survives=Survival.RESTART,
        cookie_carries_session=False,
        ending_takes_data=True,
        reads_from="redis",
        needs_redis=True,
    ),
    "redis_db": Facts(
        place="in Redis, with the database behind it as the record",
        instances="every instance reads the shared Redis and database",
        survival="survives restarts of the web tier, Redis and the database; losing Redis "
        "costs speed, not sessions",
        stolen_cookie=KEY_COOKIE,
        ending="deletes the key and the row at once",
        size_limit="none that a cart reaches (a text column)",
        per_request="one Redis round trip a read, a database write with each change, and a "
        "Redis to run",
        shared=True,
        survives=Survival.FAILURE,
        cookie_carries_session=False,
        ending_takes_data=True,
        reads_from="redis",
        needs_redis=True,
    ),
    "memory": Facts(
        place="in the memory of the one process that served it",
        instances="only that process reads it: several instances need sticky routing "
        "(nginx hashing the session cookie); round-robin loses carts and sign-ins",
        survival="lost on every restart, deploy or crash of that process (a graceful stop "
        "hands sessions on only for a move to another engine)",
        stolen_cookie=KEY_COOKIE,
        ending="works from anywhere: a signed-in session is checked against the user row "
        "on every request, and each process polls the register for guests every 2 s",
        size_limit=f"none that a cart reaches; a process keeps at most "
        f"{MEMORY_SESSIONS_KEPT:,} sessions, then drops the least recently used",
        per_request="no round trip, the cheapest per request; paid in each process's memory "
        "and one worker (with threads) per instance",
        shared=False,
        survives=Survival.NOTHING,
        cookie_carries_session=False,
        ending_takes_data=True,
        reads_from="process",
        needs_redis=False,
    ),
    "file": Facts(
        place="on the serving instance's local disk, a file per session named by a digest",
        instances="only that instance's workers read it: several instances need sticky routing",
        survival="survives restarts of that instance; lost with its disk or the instance",
        stolen_cookie=KEY_COOKIE,
        ending="works from any instance: a signed-in session through the user row, a guest's "
        "through the register each process polls every 2 s",
        size_limit="none that a cart reaches",
        per_request="a read of a file on the instance's own disk, changes serialised by "
        "file locks; no service to run",
        shared=False,
        survives=Survival.RESTART,
        cookie_carries_session=False,
        ending_takes_data=True,
        reads_from="disk",
        needs_redis=False,
    ),
}


@dataclass(frozen=True)
class Ratio:
    """The shop's speed over stock's, round by round: median, slowest and fastest round."""

    median: float
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.median:.2f}× ({self.low:.2f}–{self.high:.2f})"


@dataclass(frozen=True)
class Measured:
    database: str  # where it was measured, for people: "PostgreSQL"
    requests: Ratio | None  # requests a second under load
    cpu: Ratio | None  # the gunicorn workers' CPU a request under load
    journey: Ratio | None  # the code's CPU for a whole journey, in-process
    read_trips: str  # round trips of a signed-in cart page: "shop / stock"
    write_trips: str  # … of a quantity change
    kept: str  # concurrent cart changes kept: "shop / stock"
    cookie_bytes: int  # the shop's session cookie, signed in with a cart line


@dataclass(frozen=True)
class EngineRow:
    backend: str
    facts: Facts
    measured: Measured | None


@dataclass(frozen=True)
class Comparison:
    rows: list[EngineRow]
    measured_on: dict | None  # date, machine, command, databases; None without results

    def row(self, backend: str) -> EngineRow:
        return next(row for row in self.rows if row.backend == backend)


FACTS_ONLY = Comparison([EngineRow(b, FACTS[b], None) for b in FACTS], None)
MALFORMED = (
    AttributeError, KeyError, TypeError, ValueError, ZeroDivisionError,
    statistics.StatisticsError,
)  # fmt: skip


@cache
def comparison() -> Comparison:
    """Read once per process: the results change only with a new deployment."""
    try:
        results = json.loads(RESULTS.read_text())
        rows = [EngineRow(b, FACTS[b], measured(results, b)) for b in FACTS]
        measured_on = {key: results["about"][key] for key in ("date", "machine")}
        measured_on["command"] = results["settings"]["command"]
        measured_on["databases"] = " and ".join(
            sorted({row.measured.database for row in rows if row.measured})
        )
    except OSError:
        return FACTS_ONLY  # not measured yet
    except MALFORMED as error:
        logger.warning(
            "%s cannot be read (%r): the engines are shown without figures", RESULTS, error
        )
        return FACTS_ONLY
    return Comparison(rows, measured_on)


def measured(results: dict, backend: str) -> Measured | None:
    """The shop against its stock twin on this engine, on PostgreSQL where measured there."""
    shop = variant(results, backend, "shop")
    if shop is None:
        return None
    stock = variant(results, backend, "stock", shop["database"]) or {}
    return Measured(
        database=DATABASES.get(shop["database"], shop["database"]),
        requests=ratio(shop["per_second"], stock.get("per_second")),
        cpu=ratio(stock.get("cpu_ms"), shop.get("cpu_ms")),  # less CPU is faster
        journey=ratio(journeys(stock), journeys(shop)),
        read_trips=side_by_side(shop, stock, lambda v: trips(v, READ_STEP)),
        write_trips=side_by_side(shop, stock, lambda v: trips(v, WRITE_STEP)),
        kept=side_by_side(shop, stock, kept_percent),
        cookie_bytes=shop["cookie_bytes"],
    )


def variant(results: dict, backend: str, twin: str, database: str | None = None) -> dict | None:
    candidates = [
        v
        for v in results["variants"]
        if v["backend"] == backend and v["twin"] == twin and database in (None, v["database"])
    ]
    candidates.sort(key=lambda v: v["database"] != "postgres")
    return candidates[0] if candidates else None


def ratio(over: list | None, under: list | None) -> Ratio | None:
    """Round by round, each figure of `over` divided by the same round's of `under`, as
    bench/report.py's ratios(); rounds missing either are left out."""
    pairs = [(a, b) for a, b in zip(over or [], under or [], strict=False) if a and b]
    if not pairs:
        return None
    values = [a / b for a, b in pairs]
    return Ratio(statistics.median(values), min(values), max(values))


def journeys(variant: dict) -> list[float]:
    """The code's CPU for each round's whole journey, in-process."""
    return [sum(steps.values()) for steps in variant.get("code_ms", [])]


def side_by_side(shop: dict, stock: dict, figure: Callable[[dict], object]) -> str:
    """Shop / stock, with a dash for a figure that was not measured."""
    mine, theirs = figure(shop), figure(stock) if stock else None
    return " / ".join("–" if value is None else str(value) for value in (mine, theirs))


def trips(variant: dict, step: str) -> int | None:
    """Database round trips (statements, and a BEGIN and COMMIT per transaction) and Redis's."""
    counted = variant.get("trips", {}).get(step)
    if not counted:
        return None
    return counted["sql"] + 2 * counted["transactions"] + counted["redis"]


def kept_percent(variant: dict) -> str | None:
    made, kept = variant["kept"]
    return f"{100 * kept / made:.0f}%" if made else None  # rounded as the benchmark's report

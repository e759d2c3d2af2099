"""How the session pages hold up with a million active sessions.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        uv run python -m bench.sessions --engine redis --sessions 1000000

Runs in a database of its own (`shop_bench_<engine>`, created when missing) so it never
touches the development database, seeds it with `manage.py create_sessions` once, then times
Django's test client in this process: the admin's "Active sessions" list (first page,
filtered, searched) and a user's "your devices" page. The admin list is timed twice, request
by request in turn: as configured, and with Django's default Paginator and full result count
(an exact COUNT(*) per page), so the ratio between them comes from the same minutes.
Only local PostgreSQL/SQLite and Redis are contacted. See docs/benchmark.md.
"""

import argparse
import math
import os
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", ""}
SQLITE_LIMIT = 100_000
MAX_REQUESTS = 1000
WARM_UP_REQUESTS = 5
ADMIN_TARGET_MS = 300.0
DEVICES_TARGET_MS = 20.0
SEED = 1
ADMIN_USERNAME = "bench-admin"
ENGINES = ("db", "redis", "redis_db", "cookie", "memory", "file")
# Engines `manage.py create_sessions` cannot seed yet: the page figures would be of sessions
# without their data (the admin reads each row's data from the store).
NOT_SEEDABLE = {
    "memory": "it writes a process cache as if it were Redis (AttributeError: 'LocMemCache' "
    "object has no attribute 'client')",
    "file": "it writes the register's rows but no session files",
}
COUNT_SQL = re.compile(r"\bCOUNT\(", re.IGNORECASE)
REGISTER_TABLE = '"accounts_sessionrecord"'
SUMMARY_RUNS = 10
SCAN_COMMANDS = (b"SCAN", b"KEYS")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.sessions",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--sessions", type=int, default=1_000_000, help="active sessions")
    parser.add_argument("--engine", choices=ENGINES, default="db", help="SESSION_BACKEND")
    parser.add_argument("--requests", type=int, default=50, help=f"timed per page, ≤{MAX_REQUESTS}")
    parser.add_argument("--database", help="database name (default shop_bench_<engine>)")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        help="a local Redis; the benchmark's keys start with --redis-prefix",
    )
    parser.add_argument("--redis-prefix", default="shop-bench")
    parser.add_argument(
        "--time-budget", type=float, default=900, help="seconds for the timed requests"
    )
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE each page's slowest queries"
    )
    parser.add_argument(
        "--clear",
        action="store_true",
        help="remove the seeded sessions (register rows and store data) and stop",
    )
    args = parser.parse_args(argv)
    if args.sessions < 1:
        parser.error("--sessions must be at least 1")
    if not 1 <= args.requests <= MAX_REQUESTS:
        parser.error(f"--requests must be between 1 and {MAX_REQUESTS}")
    if args.time_budget <= 0:
        parser.error("--time-budget must be positive")
    return args


class Refused(Exception):
    """The benchmark cannot run as asked; the message says why and what to do."""


# --- the database of its own -------------------------------------------------------------


def bench_database_url(args: argparse.Namespace) -> str:
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if not url or parts.scheme.startswith("sqlite"):
        if args.sessions > SQLITE_LIMIT:
            raise Refused(
                f"{args.sessions:,} sessions need PostgreSQL (SQLite is refused above "
                f"{SQLITE_LIMIT:,}): set DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres"
            )
        name = args.database or f"shop_bench_{args.engine}"
        return f"sqlite:///{Path(parts.path or '/tmp/x').parent / name}.sqlite3"
    if not parts.scheme.startswith("postgres"):
        raise Refused(f"DATABASE_URL must be PostgreSQL or SQLite, not {parts.scheme!r}.")
    if parts.hostname not in LOCAL_HOSTS:
        raise Refused(f"The benchmark only talks to local services, not {parts.hostname!r}.")
    name = args.database or f"shop_bench_{args.engine}"
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise Refused(f"--database must be a plain lower-case name, not {name!r}.")
    return urlunsplit(parts._replace(path=f"/{name}"))


def create_database_if_missing(url: str) -> None:
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return
    import psycopg

    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if found.fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}.", file=sys.stderr)


def check_redis_url(url: str) -> None:
    if urlsplit(url).hostname not in LOCAL_HOSTS:
        raise Refused(f"The benchmark only talks to local services, not {url!r}.")


# --- seeding -----------------------------------------------------------------------------


def seed(args: argparse.Namespace) -> str:
    """Seed once: a second run with the same count and engine reuses the data."""
    from django.core.management import call_command

    from shop.register.management.commands.create_sessions import SYNTHETIC
    from shop.register.models import SessionRecord

    synthetic = SessionRecord.objects.active().filter(public_id__startswith=SYNTHETIC)
    have = synthetic.filter(engine=args.engine).count()
    if have == args.sessions and store_holds_sample(synthetic):
        return f"reused {have:,} synthetic sessions seeded earlier"
    # Progress goes to stderr, so stdout stays the Markdown report.
    print(f"Seeding {args.sessions:,} sessions on {args.engine} (had {have:,}):", file=sys.stderr)
    started = time.monotonic()
    call_command(
        "create_sessions",
        clear=True,
        count=args.sessions,
        engine=args.engine,
        seed=SEED,
        stdout=sys.stderr,
    )
    seconds = time.monotonic() - started
    return f"seeded {args.sessions:,} sessions in {seconds:,.0f} s (--clear included)"


def store_holds_sample(synthetic) -> bool:
    """Whether the store still has the data (Redis may have restarted since)."""
    from importlib import import_module

    from django.conf import settings

    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = [k for k in synthetic.order_by("-pk").values_list("session_key", flat=True)[:20] if k]
    return all(store().exists(key) for key in keys)


def analyze() -> None:
    """Fresh planner statistics, as autovacuum would have them on a live site."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("accounts_sessionrecord", "accounts_user", "django_session"):
                cursor.execute(f"VACUUM ANALYZE {table}")


# --- who makes the requests ----------------------------------------------------------------


def admin_client():
    from django.test import Client

    from accounts.models import User

    admin, _ = User.objects.get_or_create(
        username=ADMIN_USERNAME,
        defaults={"is_staff": True, "is_superuser": True, "email": "bench@example.invalid"},
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    return client


def devices_user(wanted: int = 5):
    """A synthetic user with `wanted` active sessions (or the nearest count found)."""
    from django.db.models import Count

    from accounts.models import User
    from shop.register.management.commands.create_sessions import SYNTHETIC
    from shop.register.models import SessionRecord

    names = [f"{SYNTHETIC}{n:06d}" for n in range(1, 501)]
    counts = (
        SessionRecord.objects.active()
        .filter(user__username__in=names)
        .values("user")
        .annotate(sessions=Count("pk"))
    )
    best = min(counts, key=lambda row: (abs(row["sessions"] - wanted), row["user"]), default=None)
    if best is None:
        raise Refused("No synthetic user has a session: seed with --users > 0.")
    return User.objects.get(pk=best["user"]), best["sessions"]


def devices_client(user):
    """Signed in through one of the user's own synthetic sessions where the server holds
    them (so the page lists exactly the seeded ones); a fresh sign-in on the cookie engine."""
    from django.conf import settings
    from django.test import Client

    from shop.register.models import SessionRecord

    client = Client(HTTP_HOST="127.0.0.1")
    record = SessionRecord.objects.active().filter(user=user).exclude(session_key="").first()
    if record:
        client.cookies[settings.SESSION_COOKIE_NAME] = record.session_key
    else:
        client.force_login(user)
    return client


@contextmanager
def django_default_counting() -> Iterator[None]:
    """The registered SessionRecord admin as Django would have it: its default Paginator,
    which counts the rows exactly, and the full result count beside it."""
    from django.contrib import admin
    from django.core.paginator import Paginator

    from shop.register.models import SessionRecord

    model_admin = admin.site._registry[SessionRecord]
    overrides = {"paginator": Paginator, "show_full_result_count": True}
    saved = {name: vars(model_admin)[name] for name in overrides if name in vars(model_admin)}
    for name, value in overrides.items():
        setattr(model_admin, name, value)
    try:
        yield
    finally:
        for name in overrides:
            if name in saved:
                setattr(model_admin, name, saved[name])
            else:
                delattr(model_admin, name)


# --- timing --------------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    url: str
    client: object
    target_ms: float | None = None  # None: a comparison, not a goal
    setup: Callable = nullcontext
    times_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)  # exact COUNT( queries on the register
    redis_commands: list[int] = field(default_factory=list)
    scans: int = 0
    # Each kind of query (literals stripped): [times seen, slowest ms, one example].
    queries_by_shape: dict[str, list] = field(default_factory=dict)
    stopped_early: bool = False

    def percentile(self, share: float) -> float:
        ordered = sorted(self.times_ms)
        return ordered[max(0, math.ceil(share * len(ordered)) - 1)]

    @property
    def passed(self) -> bool | None:
        if self.target_ms is None or not self.times_ms:
            return None
        # A page that scans Redis keys fails whatever its time: it would not stay fast.
        return self.percentile(0.95) < self.target_ms and not self.scans


class RedisCommands:
    """The names of the Redis commands this process sends, pipelined ones included."""

    def __init__(self):
        import redis

        self.sent: list[bytes] = []
        connection = redis.connection.Connection
        original = connection.send_packed_command

        def recording(conn, command, check_health=True):
            chunks = [command] if isinstance(command, bytes | str) else command
            packed = b"".join(c.encode() if isinstance(c, str) else bytes(c) for c in chunks)
            self.sent.extend(command_names(packed))
            return original(conn, command, check_health)

        connection.send_packed_command = recording

    def take(self) -> list[bytes]:
        sent, self.sent = self.sent, []
        return sent


def command_names(packed: bytes) -> list[bytes]:
    """The first word of each RESP command in `packed` (`*N\r\n$len\r\nNAME\r\n…`)."""
    names, at = [], 0
    while at < len(packed) and packed[at : at + 1] == b"*":
        end = packed.index(b"\r\n", at)
        count, at = int(packed[at + 1 : end]), end + 2
        for index in range(count):
            end = packed.index(b"\r\n", at)
            length, at = int(packed[at + 1 : end]), end + 2
            if index == 0:
                names.append(packed[at : at + length].upper())
            at += length + 2
    return names


def request(page: Page, redis_commands: RedisCommands, record: bool) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    redis_commands.take()
    with page.setup(), CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = page.client.get(page.url)
        elapsed_ms = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise Refused(f"{page.url} answered {response.status_code}, not 200.")
    sent = redis_commands.take()
    if not record:
        return
    page.times_ms.append(elapsed_ms)
    page.queries.append(len(captured.captured_queries))
    page.counts.append(
        sum(
            1
            for q in captured.captured_queries
            if COUNT_SQL.search(q["sql"])
            and REGISTER_TABLE in q["sql"]
            and "TABLESAMPLE" not in q["sql"]  # the summary's sample reads a few pages
        )
    )
    page.redis_commands.append(len(sent))
    page.scans += sum(1 for name in sent if name in SCAN_COMMANDS)
    for q in captured.captured_queries:
        seen = page.queries_by_shape.setdefault(shape(q["sql"]), [0, 0.0, q["sql"]])
        seen[0] += 1
        if float(q["time"]) * 1000 >= seen[1]:
            seen[1:] = [float(q["time"]) * 1000, q["sql"]]


def shape(sql: str) -> str:
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def slowest(page: Page, kinds: int) -> list[tuple[int, float, str]]:
    """The page's slowest kinds of query: (times seen, slowest ms, example SQL)."""
    return sorted(page.queries_by_shape.values(), key=lambda seen: -seen[1])[:kinds]


def measure(groups: list[list[Page]], requests: int, deadline: float) -> None:
    """Warm up, then time each group's pages in turn, request by request, so a comparison
    shares the machine's good and bad moments."""
    redis_commands = RedisCommands()
    for group in groups:
        for page in group:
            for _ in range(WARM_UP_REQUESTS):
                request(page, redis_commands, record=False)
        for _ in range(requests):
            if time.monotonic() > deadline:
                for page in group:
                    page.stopped_early = True
                break
            for page in group:
                request(page, redis_commands, record=True)
        for page in group:
            print(f"  {page.name}: {len(page.times_ms)} requests", file=sys.stderr)


# --- the report ----------------------------------------------------------------------------


def report(args, pages: list[Page], comparisons: list[tuple[Page, Page]], notes: list[str]) -> str:
    lines = [
        f"### {args.sessions:,} active sessions, SESSION_BACKEND={args.engine}",
        "",
        *[f"- {note}" for note in notes],
        "",
        "| page | URL | requests | p50 ms | p95 ms | max ms | SQL queries "
        "| exact COUNTs on register | Redis cmds | target p95 | result |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for page in pages:
        if not page.times_ms:
            lines.append(f"| {page.name} | `{page.url}` | 0 | | | | | | | | not run (budget) |")
            continue
        result = {True: "pass", False: "**FAIL**", None: "comparison"}[page.passed]
        if page.stopped_early:
            result += " (stopped by time budget)"
        target = f"< {page.target_ms:.0f}" if page.target_ms else "—"
        lines.append(
            f"| {page.name} | `{page.url}` | {len(page.times_ms)} "
            f"| {page.percentile(0.5):.1f} | {page.percentile(0.95):.1f} "
            f"| {max(page.times_ms):.1f} | {spread(page.queries)} | {spread(page.counts)} "
            f"| {spread(page.redis_commands)} | {target} | {result} |"
        )
    if comparisons:
        lines += [
            "",
            "| side by side | project p50 / p95 ms | Django default p50 / p95 ms | "
            "p50 ratio | p95 ratio |",
            "|---|--:|--:|--:|--:|",
        ]
        for ours, default in comparisons:
            if not ours.times_ms or not default.times_ms:
                continue
            lines.append(
                f"| {ours.name} | {ours.percentile(0.5):.1f} / {ours.percentile(0.95):.1f} "
                f"| {default.percentile(0.5):.1f} / {default.percentile(0.95):.1f} "
                f"| {default.percentile(0.5) / ours.percentile(0.5):.1f}× "
                f"| {default.percentile(0.95) / ours.percentile(0.95):.1f}× |"
            )
    scans = [page.name for page in pages if page.scans]
    lines += ["", f"Redis SCAN/KEYS sent: {', '.join(scans) if scans else 'none'}."]
    lines += ["", "Slowest queries per page (slowest time, times run in the timed requests):", ""]
    for page in pages:
        lines.append(f"- {page.name}:")
        for seen, ms, sql in slowest(page, 2):
            lines.append(f"  - {ms:.1f} ms, ×{seen}: `{shorten(sql)}`")
    return "\n".join(lines)


def time_summaries(runs: int) -> dict[str, tuple[list[float], dict]]:
    """The admin's summary as computed (a sample) and exactly, run in turn."""
    from shop.register import summary

    ways = {"sample": summary.compute_summary, "exact": summary.exact_summary}
    timings = {name: ([], {}) for name in ways}
    for _ in range(runs):
        for name, compute in ways.items():
            started = time.perf_counter()
            result = compute()
            timings[name][0].append((time.perf_counter() - started) * 1000)
            timings[name][1].update(result)
    return timings


def summary_report(timings: dict[str, tuple[list[float], dict]]) -> str:
    (sample_ms, sample), (exact_ms, exact) = timings["sample"], timings["exact"]
    lines = [
        "The admin's summary (computed once per 30 s per process), "
        f"{len(sample_ms)} runs each, in turn:",
        "",
        "| figure | sample | exact | sample's error |",
        "|---|--:|--:|--:|",
    ]
    for key in ("sessions", "signed_in", "guests", "carts", "cart_value"):
        error = (float(sample[key]) / float(exact[key]) - 1) * 100 if exact[key] else 0.0
        lines.append(f"| {key} | {sample[key]:,} | {exact[key]:,} | {error:+.1f}% |")
    sample_p50, exact_p50 = statistics.median(sample_ms), statistics.median(exact_ms)
    lines.append(
        f"| time p50 ms | {sample_p50:.1f} | {exact_p50:.1f} "
        f"| {exact_p50 / sample_p50:.1f}× faster |"
    )
    return "\n".join(lines)


def spread(values: list[int]) -> str:
    if not values:
        return ""
    low, high = min(values), max(values)
    return f"{low}" if low == high else f"{statistics.median_low(values)} ({low}–{high})"


def shorten(sql: str, length: int = 160) -> str:
    sql = " ".join(sql.split()).replace("|", "\\|")
    return sql if len(sql) <= length else sql[: length - 1] + "…"


def explain(pages: list[Page]) -> str:
    from django.db import connection

    if connection.vendor != "postgresql":
        return ""
    out = []
    with connection.cursor() as cursor:
        for page in pages:
            for _, _, sql in slowest(page, 2):
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
                out.append(f"#### {page.name}\n\n```\n{sql}\n\n{plan}\n```")
    return "\n\n".join(out)


def environment(engine: str, database_url: str, seeding: str) -> list[str]:
    import django
    from django.db import connection

    vacuumed = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if vacuumed:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            database = f"SQLite {connection.Database.sqlite_version}"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"{database} (`{urlsplit(database_url).path.lstrip('/')}`), "
        f"session data in {engine_home(engine)}",
        f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"{os.cpu_count()} CPUs, load average before timing {load}",
        f"data: {seeding}" + ("; VACUUM ANALYZE after seeding" if vacuumed else ""),
        f"timing: in-process Django test client, DEBUG=False, {WARM_UP_REQUESTS} warm-up "
        "requests per page, then pages of a group in turn, request by request",
    ]


def engine_home(engine: str) -> str:
    return {
        "db": "the database (django_session)",
        "redis": "Redis only",
        "redis_db": "Redis in front of the database",
        "cookie": "signed cookies (browsers)",
        "memory": "the memory of this process",
        "file": "files on this machine's disk",
    }[engine]


# --- the run -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except Refused as refusal:
        print(f"bench.sessions: {refusal}", file=sys.stderr)
        return 2


def run(args: argparse.Namespace) -> int:
    if args.engine in NOT_SEEDABLE:
        raise Refused(
            f"--engine {args.engine}: manage.py create_sessions cannot seed {args.engine} "
            f"sessions yet ({NOT_SEEDABLE[args.engine]}). The pages read the register, the "
            "same table on every engine: measure them on db, redis, redis_db or cookie."
        )
    database_url = bench_database_url(args)
    check_redis_url(args.redis_url)
    create_database_if_missing(database_url)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="shop.settings",
        SESSION_BACKEND=args.engine,
        DATABASE_URL=database_url,
        REDIS_URL=args.redis_url,
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import override_settings

    from shop.sessions.config import session_settings

    bench_settings = session_settings(args.engine, args.redis_url, key_prefix=args.redis_prefix)
    with override_settings(DEBUG=False, **bench_settings):
        call_command("migrate", verbosity=0)
        if args.clear:
            call_command("create_sessions", clear=True, stdout=sys.stdout)
            print(f"The database itself stays: {urlsplit(database_url).path.lstrip('/')}.")
            return 0
        seeding = seed(args)
        analyze()
        notes = environment(args.engine, database_url, seeding)
        pages, comparisons, groups, clients = plan(args)
        print(f"Timing {len(pages)} pages, {args.requests} requests each…", file=sys.stderr)
        measure(groups, args.requests, time.monotonic() + args.time_budget)
        print(report(args, pages, comparisons, notes))
        print("\n" + summary_report(time_summaries(SUMMARY_RUNS)))
        if args.explain:
            print("\n" + explain(pages))
        for client in clients:
            client.logout()  # ends the benchmark's own sessions; the seeded ones stay
    return 0 if all(page.passed is not False for page in pages) else 1


def plan(args: argparse.Namespace):
    from django.contrib import admin

    from shop.register.models import SessionRecord

    user, sessions = devices_user()
    staff = admin_client()
    devices = Page(
        f"Your devices ({sessions} sessions)",
        "/accounts/sessions/",
        devices_client(user),
        DEVICES_TARGET_MS,
    )
    groups: list[list[Page]] = [[devices]]
    comparisons: list[tuple[Page, Page]] = []
    if SessionRecord not in admin.site._registry:
        print(
            "The SessionRecord admin is not registered: timing the devices page only.",
            file=sys.stderr,
        )
        return [devices], comparisons, groups, [staff]
    changelist = "/admin/register/sessionrecord/"
    for name, query in [
        ("Admin, first page", ""),
        ("Admin, has a cart", "?cart=yes"),
        (f"Admin, engine={args.engine}", f"?engine={args.engine}"),
    ]:
        ours = Page(name, changelist + query, staff, ADMIN_TARGET_MS)
        default = Page(
            f"{name}, Django's Paginator", changelist + query, staff, None, django_default_counting
        )
        groups.append([ours, default])
        comparisons.append((ours, default))
    search = Page(
        "Admin, search by username", f"{changelist}?q={user.username}", staff, ADMIN_TARGET_MS
    )
    # Rows of an engine the site no longer runs: few or none, the filter's hardest case.
    other = "cookie" if args.engine != "cookie" else "db"
    rare = Page(
        f"Admin, engine={other} (no rows)", f"{changelist}?engine={other}", staff, ADMIN_TARGET_MS
    )
    groups += [[search], [rare]]
    pages = [page for group in groups for page in group]
    return pages, comparisons, groups, [staff]


if __name__ == "__main__":
    sys.exit(main())

"""What each session engine costs, measured side by side with the stock twin and the peers.

    uv run python -m bench.engines

Serves the shop under gunicorn (2 workers, 4 threads each, DEBUG=0; `memory` one worker
with 8 threads, as it must run, its stock twin too) once per engine — all six on
PostgreSQL, `db` also on SQLite — beside its stock twin (Django's own stores, no lock, no
register) and, on `db`, django-user-sessions and django-qsessions, all with the same
settings otherwise (bench/settings.py), each with a SESSION_FILE_PATH of its own. Then, in
rounds that take the servers in turn, locust drives the shopper's journey
(bench/locustfile.py): unpaced
for requests per second, and at a fixed arrival rate for latency. Each server also answers
a counted journey (round trips, cookie bytes) and concurrent cart changes on one session
(how many are kept); worker memory is read before and after. Writes the Markdown table,
the JSON the /state/ page reads and the PNG chart to --out (with --merge, in place of the
same engines' servers in the results already there). Local services only.
"""

import argparse
import json
import os
import platform
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psutil
import psycopg
import redis

from bench import REDIS_PREFIX, load, report
from tools.servers import gunicorn_server, manage
from tools.stock_twin import PEERS

ENGINES = ("cookie", "db", "redis", "redis_db", "memory", "file")
DATABASES = ("postgres", "sqlite")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
BENCH_DATABASE = "shop_bench_engines"
PASSWORD = "bench-Journey-of-the-larder-7"
SHOPPERS = 64  # accounts shopper-0 … ; locust signs each user in as one of them
PRODUCTS = 20  # the journey picks among the first products, whose stock is raised
CREATE_SHOPPERS = """
import json, os
from django.contrib.auth import get_user_model
from shop.catalog.models import Product
User = get_user_model()
for n in range(int(os.environ["BENCH_SHOPPERS"])):
    User.objects.filter(username=f"shopper-{n}").exists() or User.objects.create_user(
        f"shopper-{n}", f"shopper-{n}@example.com", os.environ["BENCH_PASSWORD"])
products = Product.objects.filter(active=True).order_by("id")[: int(os.environ["BENCH_COUNT"])]
Product.objects.filter(id__in=[p.id for p in products]).update(stock=10_000)
print(json.dumps([[p.id, p.slug] for p in products]))
"""


@dataclass
class Variant:
    database: str  # postgres or sqlite
    backend: str  # SESSION_BACKEND
    twin: str  # shop, stock, user_sessions, qsessions; "baseline" browses without a session
    url: str = ""
    master_pid: int = 0
    loads: list[load.Load] = field(default_factory=list)  # unpaced, one per round
    paced: list[load.Load] = field(default_factory=list)  # at the fixed rate, one per round
    cpu_ms: list[float] = field(default_factory=list)  # workers' CPU per request, unpaced
    code_ms: list[dict] = field(default_factory=list)  # in-process CPU ms per step, per round
    env: dict[str, str] = field(default_factory=dict)  # the server's environment
    memory: list[int] = field(default_factory=list)  # bytes: after warm-up, at the end
    served: int = 0  # requests between the two memory readings
    kept: tuple[int, int] = (0, 0)  # concurrent cart changes: made, kept
    trips: load.JourneyTrips | None = None
    workers: int = 0  # gunicorn workers serving (memory: one, with more threads)

    @property
    def name(self) -> str:
        return f"{self.database} {self.backend} {self.twin}"

    @property
    def failed(self) -> int:
        return sum(run.failures for run in self.loads + self.paced)

    @property
    def user_class(self) -> str:
        return "Browser" if self.twin == "baseline" else "Shopper"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.engines",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--databases", nargs="+", choices=DATABASES, default=list(DATABASES))
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--rounds", type=int, default=3, help="rounds over all servers")
    parser.add_argument("--seconds", type=float, default=12, help="each locust run")
    parser.add_argument("--users", type=int, default=8, help="concurrent locust users")
    parser.add_argument(
        "--rate", type=float, default=40, help="requests a second for the latency figures"
    )
    parser.add_argument(
        "--soak", type=int, default=20_000, help="requests a shop server serves before its "
        "memory is read again (the shop's own servers only)",
    )  # fmt: skip
    parser.add_argument("--threads", type=int, default=8, help="concurrent cart changes")
    parser.add_argument(
        "--journeys", type=int, default=30, help="in-process journeys per server and round"
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="a folder for all the results (default: the figures and chart the shop ships, "
        "the tables in docs/benchmark/)",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help=f"a local PostgreSQL; the benchmark works in database {BENCH_DATABASE}",
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        help=f"a local Redis; the benchmark's keys start with {REDIS_PREFIX}",
    )  # fmt: skip
    parser.add_argument(
        "--smoke", action="store_true",
        help="seconds per server, SQLite only, every engine: proves the benchmark still runs",
    )  # fmt: skip
    parser.add_argument(
        "--merge", action="store_true",
        help="keep the other engines' servers in the results already at the destination and "
        "put this run's in place of the same engines' (no baseline: the earlier one stays); "
        "the settings must be the same as theirs",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if min(args.rounds, args.seconds, args.users, args.journeys, args.threads) < 1:
        parser.error("--rounds, --seconds, --users, --journeys and --threads must be at least 1")
    if args.threads * 5 + 1 > 99:
        parser.error("--threads: at most 19, so every change fits a cart line's 99")
    if args.smoke and args.merge:
        parser.error("--merge: a smoke run's figures belong in a folder of their own")
    if args.smoke:
        args.databases, args.rounds, args.seconds, args.soak = ["sqlite"], 1, 2, 0
        args.rate, args.threads, args.journeys = 10, 4, 3
    for url in (args.postgres_url, args.redis_url):
        if urlsplit(url).hostname not in LOCAL_HOSTS:
            parser.error(f"the benchmark only talks to local services, not {url}")
    return args


def variants(args: argparse.Namespace) -> list[Variant]:
    """Every engine on PostgreSQL, the database engine on SQLite (every engine on SQLite in
    a smoke run): the shop, its stock twin, the peers on db, and the baseline (not when
    merging into earlier results, whose baseline stays). A database none of --engines runs
    on is left out."""
    found = []
    for database in args.databases:
        engines = ENGINES if database == "postgres" or args.smoke else ("db",)
        here = []
        for backend in (e for e in engines if e in args.engines):
            twins = ["shop", "stock", *PEERS] if backend == "db" else ["shop", "stock"]
            here += [Variant(database, backend, twin) for twin in twins]
        if here and not args.merge:
            here.append(Variant(database, "db", "baseline"))
        found += here
    return found


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- the servers ---------------------------------------------------------------------------


def database_url(database: str, args: argparse.Namespace, folder: Path) -> str:
    if database == "sqlite":
        return f"sqlite:///{folder / 'bench.sqlite3'}"
    parts = urlsplit(args.postgres_url)
    maintenance = urlunsplit(parts._replace(scheme="postgresql"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def clear_redis(url: str) -> None:
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{REDIS_PREFIX}*", count=1000):
        client.delete(key)


def prepare(database: str, args: argparse.Namespace, folder: Path) -> dict[str, str]:
    """A fresh database with the catalog and the shoppers; the environment of its servers."""
    progress(f"{database}: migrating, seeding the catalog and {SHOPPERS} shoppers")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-" + "k" * 50,
        "DATABASE_URL": database_url(database, args, folder),
        "REDIS_URL": args.redis_url,
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
        "BENCH_PASSWORD": PASSWORD,
        "BENCH_SHOPPERS": str(SHOPPERS),
        "BENCH_COUNT": str(PRODUCTS),
        "BENCH_CPU_SHOPPER": f"shopper-{SHOPPERS - 2}",  # locust's are the first ones
        # It measures sessions, not a shop's limits: the concurrency figure adds one product
        # from many tabs, and every add must be accepted.
        "ORDER_MAX_PER_LINE": "99",
        "ORDER_MAX_VALUE": "9999999.99",
    }
    for twin in ("shop", *PEERS):  # each peer's app and tables come with its own settings
        manage({**env, "BENCH_TWIN": twin}, "migrate", "--noinput")
    manage(env, "seed_catalog")
    manage(env, "collectstatic", "--noinput")
    env["BENCH_PRODUCTS"] = manage(env, "shell", "-c", CREATE_SHOPPERS).splitlines()[-1]
    return env


def start(variant: Variant, env: dict[str, str], folder: Path, servers: ExitStack) -> None:
    """Serve one variant; gunicorn_server runs `memory` (shop and stock alike) as one worker
    with more threads. Each server keeps its `file` sessions (and a `memory` process its
    hand-over) in a folder of its own, which Django's file store wants to exist."""
    twin = "shop" if variant.twin == "baseline" else variant.twin
    sessions = folder / f"{variant.name.replace(' ', '-')}-sessions"
    sessions.mkdir(mode=0o700)
    server_env = {
        **env, "SESSION_BACKEND": variant.backend, "BENCH_TWIN": twin,
        "SESSION_FILE_PATH": str(sessions),
    }  # fmt: skip
    variant.env = server_env
    log = folder / f"{variant.name.replace(' ', '-')}.log"
    server = servers.enter_context(gunicorn_server(server_env, log, access_log=False))
    variant.url, variant.master_pid = server.url, server.pid
    variant.workers = len(psutil.Process(server.pid).children())


# --- the measurements ----------------------------------------------------------------------


def warm_up(variant: Variant, env: dict[str, str], args: argparse.Namespace) -> None:
    """Load every worker's code and connections, then read its memory. A smoke run reads
    no memory growth (it serves no soak) and skips the warm-up's load."""
    if not args.smoke:
        load.run_locust(variant.url, variant.user_class, env, args.users, 2, 0)
    variant.memory.append(load.worker_memory(variant.master_pid))


def one_round(variant: Variant, env: dict[str, str], args: argparse.Namespace) -> None:
    cpu_before = load.worker_cpu_seconds(variant.master_pid)
    unpaced = load.run_locust(variant.url, variant.user_class, env, args.users, args.seconds, 0)
    cpu = load.worker_cpu_seconds(variant.master_pid) - cpu_before
    variant.cpu_ms.append(1000 * cpu / unpaced.requests)
    pace = args.rate / args.users
    paced = load.run_locust(variant.url, variant.user_class, env, args.users, args.seconds, pace)
    variant.loads.append(unpaced)
    variant.paced.append(paced)
    if variant.twin != "baseline":
        variant.code_ms.append(load.code_cpu(variant.env, args.journeys))
    variant.served += unpaced.requests + paced.requests
    progress(
        f"  {variant.name}: {unpaced.per_second:.0f} req/s, {variant.cpu_ms[-1]:.1f} CPU ms "
        f"each; at {args.rate:g} req/s "
        f"p50 {paced.percentiles['50%']:.0f} ms, p99 {paced.percentiles['99%']:.0f} ms"
        + (
            f"; {unpaced.failures + paced.failures} failed"
            if unpaced.failures + paced.failures
            else ""
        )
    )
    for run in (unpaced, paced):
        if run.errors:
            progress(run.errors)


def soak(variant: Variant, env: dict[str, str], args: argparse.Namespace) -> None:
    """Serve up to --soak requests in all (the shop's servers), then read memory again."""
    missing = args.soak - variant.served if variant.twin == "shop" else 0
    if missing > 0:
        rate = statistics.median(run.per_second for run in variant.loads) or 1
        progress(f"  {variant.name}: {missing:,} more requests for the memory reading")
        variant.served += load.run_locust(
            variant.url, variant.user_class, env, args.users, round(missing / rate) + 1, 0
        ).requests
    variant.memory.append(load.worker_memory(variant.master_pid))


def correctness(variant: Variant, env: dict[str, str], args: argparse.Namespace) -> None:
    """Round trips of a counted journey, and cart changes kept under concurrency."""
    if variant.twin == "baseline":
        return
    products = json.loads(env["BENCH_PRODUCTS"])
    variant.trips = load.journey_trips(
        variant.url, products[0], f"shopper-{SHOPPERS - 1}", PASSWORD
    )
    variant.kept = load.kept_changes(variant.url, products[1][0], args.threads, 5)


def measure(found: list[Variant], env_of: dict[str, dict], args: argparse.Namespace) -> None:
    for variant in found:
        warm_up(variant, env_of[variant.database], args)
    for number in range(args.rounds):
        progress(f"round {number + 1} of {args.rounds}")
        turn = found[number % len(found) :] + found[: number % len(found)]  # a new order each round
        for variant in turn:
            one_round(variant, env_of[variant.database], args)
    for variant in found:
        soak(variant, env_of[variant.database], args)
        correctness(variant, env_of[variant.database], args)


# --- the run -------------------------------------------------------------------------------


def postgres_version(args: argparse.Namespace) -> str:
    if "postgres" not in args.databases:
        return ""
    url = urlunsplit(urlsplit(args.postgres_url)._replace(scheme="postgresql"))
    with psycopg.connect(url) as connection:
        return f", PostgreSQL {connection.execute('SHOW server_version').fetchone()[0]}"


def machine(args: argparse.Namespace) -> dict[str, str]:
    import django

    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor(),
    )  # fmt: skip
    redis_version = redis.Redis.from_url(args.redis_url).info()["redis_version"]
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} CPUs ({cpu}), {memory:.0f} GiB, {platform.system()}",
        "software": f"Python {platform.python_version()}, Django {django.get_version()}, "
        f"SQLite {sqlite3.sqlite_version}{postgres_version(args)}, Redis {redis_version}",
        "load": f"load average before the run {', '.join(f'{x:.2f}' for x in os.getloadavg())}",
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the servers on the way out
    places = report.Places.inside(args.out) if args.out else report.Places.published()
    if args.merge:  # before measuring: refuse a merge that cannot be made
        try:
            report.check_mergeable(settings_of(args), json.loads(places.figures.read_text()))
        except (OSError, ValueError, KeyError) as error:
            print(f"bench.engines: cannot merge into {places.figures}: {error}", file=sys.stderr)
            return 2
    found = variants(args)
    about = machine(args)
    clear_redis(args.redis_url)
    progress(f"{len(found)} servers, {args.rounds} rounds of {args.seconds:g} s twice each")
    with tempfile.TemporaryDirectory(prefix="bench-engines-") as tmp, ExitStack() as servers:
        servers.callback(clear_redis, args.redis_url)  # last, once every server has stopped
        folder = Path(tmp)
        env_of = {}
        for database in dict.fromkeys(v.database for v in found):
            (folder / database).mkdir()
            env_of[database] = prepare(database, args, folder / database)
        for variant in found:
            start(variant, env_of[variant.database], folder / variant.database, servers)
        progress(f"{len(found)} servers answer; warming up")
        measure(found, env_of, args)
    results = {
        "about": about,
        "settings": settings_of(args),
        "variants": [summary(v) for v in found],
    }
    if args.merge:
        results = report.merge(results, json.loads(places.figures.read_text()))
    report.write(results, places)
    progress(f"wrote {places.figures}, {places.tables}, {places.chart}")
    return report_problems(found)


def report_problems(found: list[Variant]) -> int:
    """Exit status 1 when a request failed or the shop lost a concurrent cart change."""
    problems = [f"{v.name}: {v.failed} requests failed" for v in found if v.failed]
    problems += [
        f"{v.name}: kept {v.kept[1]} of {v.kept[0]} concurrent cart changes"
        for v in found
        if v.twin == "shop" and v.backend != "cookie" and v.kept[1] != v.kept[0]
    ]
    for problem in problems:
        progress(f"PROBLEM {problem}")
    return 1 if problems else 0


def command_of(args: argparse.Namespace) -> str:
    """The command line, as far as it chose what was measured."""
    command = "uv run python -m bench.engines"
    if args.smoke:
        return command + " --smoke"
    if args.databases != list(DATABASES):
        command += " --databases " + " ".join(args.databases)
    if args.engines != list(ENGINES):
        command += " --engines " + " ".join(args.engines)
    return command + (" --merge" if args.merge else "")


def settings_of(args: argparse.Namespace) -> dict:
    return {
        "command": command_of(args),
        "rounds": args.rounds, "seconds": args.seconds, "users": args.users,
        "rate": args.rate, "soak": args.soak, "threads": args.threads,
        "journeys": args.journeys,
    }  # fmt: skip


def summary(variant: Variant) -> dict:
    trips = variant.trips
    return {
        "database": variant.database, "backend": variant.backend, "twin": variant.twin,
        "per_second": [run.per_second for run in variant.loads],
        "cpu_ms": variant.cpu_ms,
        "code_ms": variant.code_ms,
        "failures": variant.failed,
        "percentiles": [run.percentiles for run in variant.paced],
        "memory": variant.memory, "served": variant.served, "workers": variant.workers,
        "kept": list(variant.kept),
        "trips": asdict(trips)["trips"] if trips else {},
        "cookie_bytes": trips.cookie_bytes if trips else 0,
    }  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())

"""CPU time per request of the serving process, the shop beside its stock twin, paired and
interleaved: the headline figure for what the shop's session layer costs.

    uv run python -m bench.paired [--engines db redis cookie] [--rounds 12] [--journeys 5]

For each engine, two child processes serve the shopper's journey (bench/journey.py) in
process with Django's test client (bench/cpu_journey.py): one the shop, one its stock twin
(tools/stock_twin/). Both are pinned to the same core, which they take in turn, and answer
rounds on the parent's request in the order shop, stock, stock, shop, … so a slow spell of
the shared machine falls on both. Each request's `time.process_time()` is read; per round
and side, the median per step kind; per round, the ratio stock/shop. The figure is the
median of those ratios with a bootstrap 95% interval: 1.10 means the stock twin spends 10%
more CPU per request than the shop, 0.90 that the shop spends about 11% more than stock.

One SQLite file serves every engine (prepared once); Redis keys start with a prefix of the
run's own and are deleted at the end. Writes paired.json and paired.md to --out; with
--profile, cProfile statistics per engine, side and step kind, and a text file per engine
and kind naming where the shop spends more than stock.
"""

import argparse
import cProfile
import itertools
import json
import math
import multiprocessing
import os
import platform
import pstats
import random
import statistics
import sys
import tempfile
import time
import traceback
from collections import defaultdict
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from bench import journey
from bench.engines import CREATE_SHOPPERS, ENGINES, PASSWORD, progress
from tools.servers import BASE_DIR, manage

SIDES = ("shop", "stock")
KINDS = ("read", "write", "sign-in", "sign-out", "first add", "all")
REDIS_ENGINES = ("redis", "redis_db")
BOOTSTRAP_SAMPLES = 2000
SEED = 2026  # the bootstrap's: the same figures give the same interval
WARM_UP = 3  # journeys per child before timing: imports, connections, compiled templates
TOP = 25  # functions listed per profile
SHOPPERS = 32


def kind_of(step: journey.Step) -> str:
    """GET pages read; the first add starts the session; sign-in, sign-out; the rest write."""
    if step.method == "get":
        return "read"
    if step.name == journey.SIGNED_IN_STEP:
        return "sign-in"
    if step.path.startswith("/accounts/logout/"):
        return "sign-out"
    if step.path.startswith("/cart/add/"):
        return "first add"
    return "write"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.paired",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--rounds", type=int, default=12, help="rounds per side and engine")
    parser.add_argument("--journeys", type=int, default=5, help="journeys per side and round")
    parser.add_argument(
        "--out", type=Path, default=BASE_DIR / "var" / "bench-paired", help="results folder"
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    parser.add_argument(
        "--core", type=int, default=max(os.sched_getaffinity(0)),
        help="the core both sides run on (default: the last; the others are left to "
        "Redis and the database)",
    )  # fmt: skip
    parser.add_argument(
        "--profile", action="store_true",
        help="cProfile every timed request (the figures then include the profiler's cost)",
    )  # fmt: skip
    parser.add_argument(
        "--smoke", action="store_true",
        help="2 rounds of 1 journey on the first two engines given: proves it still runs",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if min(args.rounds, args.journeys) < 1:
        parser.error("--rounds and --journeys must be at least 1")
    if args.core not in os.sched_getaffinity(0):
        parser.error(f"--core {args.core}: this process may run on {os.sched_getaffinity(0)}")
    if args.smoke:
        args.engines, args.rounds, args.journeys = args.engines[:2], 2, 1
    args.warm_up = 1 if args.smoke else WARM_UP
    args.command = "uv run python -m bench.paired " + " ".join(
        sys.argv[1:] if argv is None else argv
    )
    return args


# --- the analysis ------------------------------------------------------------------------


def bootstrap_ratio(
    shop: list[float], stock: list[float], samples: int = BOOTSTRAP_SAMPLES, seed: int = SEED
) -> tuple[float, float, float]:
    """The median of the paired ratios stock/shop and its percentile bootstrap 95% interval:
    rounds are resampled whole, so each ratio keeps its pair."""
    ratios = [b / a for a, b in zip(shop, stock, strict=True)]
    rng = random.Random(seed)
    medians = [statistics.median(rng.choices(ratios, k=len(ratios))) for _ in range(samples)]
    cuts = statistics.quantiles(medians, n=40, method="inclusive")  # 2.5%, 5%, … 97.5%
    return statistics.median(ratios), cuts[0], cuts[-1]


def round_medians(spent: dict[str, list[float]]) -> dict[str, float]:
    """Median CPU ms per step kind of one side's round; `all` over every request."""
    every = [ms for times in spent.values() for ms in times]
    return {**{kind: statistics.median(times) for kind, times in spent.items()},
            "all": statistics.median(every)}  # fmt: skip


def summarise(rounds: dict[str, list[dict[str, float]]]) -> dict[str, dict]:
    """Per step kind: each side's median over rounds, the ratio and its interval."""
    figures = {}
    for kind in KINDS:
        shop = [medians[kind] for medians in rounds["shop"]]
        stock = [medians[kind] for medians in rounds["stock"]]
        ratio, low, high = bootstrap_ratio(shop, stock)
        figures[kind] = {
            "shop_ms": statistics.median(shop), "stock_ms": statistics.median(stock),
            "ratio": ratio, "ci_low": low, "ci_high": high, "rounds": len(shop),
            "shop_round_ms": shop, "stock_round_ms": stock,
        }  # fmt: skip
    return figures


# --- the children ------------------------------------------------------------------------


class Profiles:
    """A cProfile per step kind, on only while a timed request of that kind is served."""

    def __init__(self) -> None:
        self.by_kind = defaultdict(cProfile.Profile)
        self.requests: dict[str, int] = defaultdict(int)

    @contextmanager
    def around(self, step: journey.Step):
        profile = self.by_kind[kind_of(step)]
        self.requests[kind_of(step)] += 1
        profile.enable()
        try:
            yield
        finally:
            profile.disable()

    def dump(self, folder: Path, engine: str, side: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for kind, profile in self.by_kind.items():
            profile.dump_stats(profile_path(folder, engine, side, kind))
        (folder / f"{engine}-{side}-requests.json").write_text(json.dumps(self.requests))


def profile_path(folder: Path, engine: str, side: str, kind: str) -> Path:
    return folder / f"{engine}-{side}-{kind.replace(' ', '-')}.pstats"


def configure_django(env: dict[str, str]) -> None:
    """bench.settings with this run's Redis prefix, and static files by their plain names:
    no collectstatic before the run, and every side's pages name them at the same cost."""
    os.environ.update(env)
    import bench

    bench.REDIS_PREFIX = env["BENCH_PAIRED_PREFIX"]  # read when bench.settings is imported
    import django

    import bench.settings as bench_settings

    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    bench_settings.STORAGES = {**bench_settings.STORAGES, "staticfiles": plain}
    django.setup()


def serve(connection, env: dict[str, str], core: int, warm_up: int, profile: str) -> None:
    """A child: one side of one engine, answering rounds until the parent sends None."""
    try:
        os.sched_setaffinity(0, {core})
        configure_django(env)
        from bench import cpu_journey

        product = tuple(json.loads(env["BENCH_PRODUCTS"])[-1])
        # Shoppers in turn: no account piles up more ended sessions than a real one would.
        shoppers = itertools.cycle(f"shopper-{n}" for n in range(int(env["BENCH_SHOPPERS"])))
        password = env["BENCH_PASSWORD"]
        for _ in range(warm_up):
            cpu_journey.one_journey(product, next(shoppers), password)
        profiles = Profiles() if profile else None
        around = profiles.around if profiles else None
        connection.send(("ready", None))
        while (journeys := connection.recv()) is not None:
            spent = defaultdict(list)
            for _ in range(journeys):
                shopper = next(shoppers)
                for step, ms in cpu_journey.one_journey(product, shopper, password, around):
                    spent[kind_of(step)].append(ms)
            connection.send(("round", dict(spent)))
        if profiles:
            profiles.dump(Path(profile), env["SESSION_BACKEND"], env["BENCH_TWIN"])
        connection.send(("done", None))
    except Exception:
        connection.send(("error", traceback.format_exc()))


class Side:
    """The parent's handle on one child."""

    def __init__(self, name: str, engine: str, env: dict, args: argparse.Namespace) -> None:
        self.name = name
        sessions = Path(env["BENCH_FOLDER"]) / f"{engine}-{name}-sessions"
        sessions.mkdir(mode=0o700)
        child_env = {
            **env, "SESSION_BACKEND": engine, "BENCH_TWIN": name,
            "SESSION_FILE_PATH": str(sessions),
        }  # fmt: skip
        profile = str(args.out / "profile") if args.profile else ""
        spawn = multiprocessing.get_context("spawn")  # a fresh interpreter: settings bind once
        self.connection, theirs = spawn.Pipe()
        self.process = spawn.Process(
            target=serve, args=(theirs, child_env, args.core, args.warm_up, profile),
            name=f"bench-paired-{engine}-{name}",
        )  # fmt: skip
        self.process.start()

    def answer(self, expected: str):
        kind, payload = self.connection.recv()
        if kind == "error":
            raise RuntimeError(f"the {self.name} side failed:\n{payload}")
        if kind != expected:
            raise RuntimeError(f"the {self.name} side answered {kind}, not {expected}")
        return payload

    def serve_round(self, journeys: int) -> dict[str, float]:
        self.connection.send(journeys)
        return round_medians(self.answer("round"))

    def stop(self) -> None:
        if self.process.is_alive():
            try:
                self.connection.send(None)
                self.answer("done")
            except (OSError, EOFError, RuntimeError) as error:
                progress(f"  {self.name} side stopping: {error}")
        self.process.join(timeout=30)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def measure_engine(engine: str, env: dict, args: argparse.Namespace) -> dict[str, dict]:
    """Rounds in the order shop, stock, stock, shop, …; each side's per-round medians."""
    sides = {}
    try:
        for name in SIDES:
            sides[name] = Side(name, engine, env, args)
        for side in sides.values():
            side.answer("ready")
        rounds: dict[str, list] = {name: [] for name in SIDES}
        for number in range(args.rounds):
            order = SIDES if number % 2 == 0 else SIDES[::-1]
            for name in order:
                rounds[name].append(sides[name].serve_round(args.journeys))
            shop, stock = rounds["shop"][-1]["all"], rounds["stock"][-1]["all"]
            progress(
                f"{engine} round {number + 1} of {args.rounds} ({'/'.join(order)}): "
                f"shop {shop:.2f} ms, stock {stock:.2f} ms per request, "
                f"ratio {stock / shop:.2f}"
            )
    finally:
        for side in sides.values():
            side.stop()
    return summarise(rounds)


# --- the run -----------------------------------------------------------------------------


def prepare(folder: Path, args: argparse.Namespace) -> dict[str, str]:
    """A migrated SQLite file with the catalog and the shoppers; the children's environment."""
    progress(f"migrating a SQLite file, seeding the catalog and {SHOPPERS} shoppers")
    inherited = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SESSION_", "BENCH_"))
    }  # fmt: skip
    (folder / "static").mkdir()
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-" + "k" * 50,
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "REDIS_URL": args.redis_url,
        "DJANGO_STATIC_ROOT": str(folder / "static"),
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
        "BENCH_FOLDER": str(folder),
        "BENCH_PAIRED_PREFIX": f"shop-bench-paired-{os.getpid()}-{time.time_ns()}",
        "BENCH_PASSWORD": PASSWORD,
        "BENCH_SHOPPERS": str(SHOPPERS),
        "BENCH_COUNT": "3",
        # Every journey starts a session from 127.0.0.1: counted, as ever, but never refused.
        "NEW_SESSIONS_PER_MINUTE": "1000000",
    }
    manage(env, "migrate", "--noinput")
    manage(env, "seed_catalog")
    env["BENCH_PRODUCTS"] = manage(env, "shell", "-c", CREATE_SHOPPERS).splitlines()[-1]
    return env


def clear_redis(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{prefix}*", count=1000):
        client.delete(key)


def machine(args: argparse.Namespace) -> dict:
    import django

    return {
        "cores": os.cpu_count(),
        "core": args.core,
        "load_start": list(os.getloadavg()),
        "python": platform.python_version(),
        "django": django.get_version(),
        "command": args.command,
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "rounds": args.rounds,
        "journeys": args.journeys,
        "warm_up": args.warm_up,
        "profiled": args.profile,
        "steps": {step.name: kind_of(step) for step in journey.steps(1, "p", "u", "p")},
    }


def table(results: dict) -> str:
    lines = [
        "| engine | step kind | shop ms | stock ms | stock/shop | 95% CI | rounds |",
        "|---|---|---:|---:|---:|---|---:|",
    ]
    for engine, kinds in results["engines"].items():
        for kind, f in kinds.items():
            lines.append(
                f"| {engine} | {kind} | {f['shop_ms']:.2f} | {f['stock_ms']:.2f} | "
                f"{f['ratio']:.2f} | {f['ci_low']:.2f}–{f['ci_high']:.2f} | {f['rounds']} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    about = machine(args)
    results = {"machine": about, "engines": {}}
    with tempfile.TemporaryDirectory(prefix="bench-paired-") as tmp:
        env = prepare(Path(tmp), args)
        redis_used = set(args.engines) & set(REDIS_ENGINES)
        try:
            for engine in args.engines:
                progress(f"{engine}: {args.rounds} rounds of {args.journeys} journeys a side")
                results["engines"][engine] = measure_engine(engine, env, args)
        finally:
            if redis_used:
                clear_redis(args.redis_url, env["BENCH_PAIRED_PREFIX"])
    about["load_end"] = list(os.getloadavg())
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "paired.json").write_text(json.dumps(results, indent=1) + "\n")
    (args.out / "paired.md").write_text(table(results) + "\n")
    print(table(results))
    if args.profile:
        for engine in args.engines:
            for kind in KINDS[:-1]:
                write_profile_diff(args.out / "profile", engine, kind)
    progress(f"wrote {args.out / 'paired.json'}")
    return 0 if all_finite(results) else 1


def all_finite(results: dict) -> bool:
    figures = [f for kinds in results["engines"].values() for f in kinds.values()]
    return all(math.isfinite(f[key]) for f in figures for key in ("ratio", "ci_low", "ci_high"))


# --- the profile -------------------------------------------------------------------------


def per_request_ms(folder: Path, engine: str, side: str, kind: str) -> dict[str, list[float]]:
    """Each function's cumulative and own CPU ms per request of one kind."""
    requests = json.loads((folder / f"{engine}-{side}-requests.json").read_text())[kind]
    stats = pstats.Stats(str(profile_path(folder, engine, side, kind))).stats
    return {
        label(function): [1000 * cumulative / requests, 1000 * own / requests]
        for function, (_, _, own, cumulative, _) in stats.items()
    }


def label(function: tuple[str, int, str]) -> str:
    """file:line(function), the file relative to the project, site-packages or the stdlib."""
    path, line, name = function
    stdlib = f"python{sys.version_info.major}.{sys.version_info.minor}/"
    for root in (f"{BASE_DIR}/", "site-packages/", stdlib):
        path = path.split(root, 1)[-1]
    return f"{path}:{line}({name})"


def write_profile_diff(folder: Path, engine: str, kind: str) -> None:
    shop = per_request_ms(folder, engine, "shop", kind)
    stock = per_request_ms(folder, engine, "stock", kind)
    extra = {name: ms[0] - stock.get(name, [0, 0])[0] for name, ms in shop.items()}
    extra_own = {name: ms[1] - stock.get(name, [0, 0])[1] for name, ms in shop.items()}
    lines = [f"{engine}, {kind}: CPU ms per request under cProfile", ""]
    lines += ranked("the shop's top functions, cumulative", {n: ms[0] for n, ms in shop.items()})
    only = {name: ms[0] for name, ms in shop.items() if name not in stock}
    lines += ranked("functions only the shop calls, cumulative", only)
    lines += ranked("the shop's excess over stock, cumulative", extra)
    lines += ranked("the shop's excess over stock, own time", extra_own)
    (folder / f"{engine}-{kind.replace(' ', '-')}.txt").write_text("\n".join(lines) + "\n")


def ranked(title: str, ms: dict[str, float]) -> list[str]:
    top = sorted(ms.items(), key=lambda item: item[1], reverse=True)[:TOP]
    return [title, *(f"  {value:8.3f}  {name}" for name, value in top), ""]


if __name__ == "__main__":
    sys.exit(main())

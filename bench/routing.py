"""What each session engine loses when instances come and go, by how nginx routes.

    uv run python -m bench.routing [--shoppers 12] [--instances 3] [--engines memory file …]

Serves the shop from deploy.fleet's Fleet (gunicorn instances behind nginx, production
settings, a PostgreSQL database of the run's own) once per engine and, under a steady load
of signed-in shoppers adding to their carts (tools/shoppers.py), stages each event below
with shoppers of its own. Afterwards every shopper's cart is checked line by line against
what the shop confirmed, and their sign-in; a shopper with a line short or signed out has
lost their session. Prints a Markdown table of the shares lost, per engine and event.

- round-robin: no affinity, nothing happens (deploy/nginx.conf's default routing);
- session-key hash: nginx hashes the session cookie itself (an experiment of this module's
  own, to show why sticky routing cannot work that way);
- sticky, steady: nginx's routing cookie hashed onto the ring, nothing happens;
- sticky, SIGKILL: the instance with the most shoppers is killed, socket and all, and
  started again a while later;
- sticky, lost disk (`file` only): that instance's SESSION_FILE_PATH is deleted;
- sticky, rolling restart: every instance restarted in turn;
- sticky, instance added: one more instance takes its arc of the ring;
- the way out (`--moves`): a sticky `memory` or `file` fleet is moved to `redis` or `db`
  by rolling restarts (SESSION_BACKEND=new SESSION_MIGRATE_FROM=old, then
  SESSION_MIGRATE_FROM= ), then routed round-robin.

The tests in tests/deploy/test_routing.py run these same functions with small numbers.
"""

import argparse
import os
import platform
import re
import shlex
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from deploy.fleet import (
    ROUTE_COOKIE,
    Fleet,
    Instance,
    prepare,
    production_env,
)
from shop.sessions.config import SESSION_BACKENDS
from tools import servers
from tools.shoppers import Account, Load, make_accounts, steady_load

POSTGRES_URL = os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
STEADY = "round-robin"
SESSION_KEY = "session-key hash"
STICKY = "sticky, steady"
KILL = "sticky, SIGKILL"
LOST_DISK = "sticky, lost disk"
RESTART = "sticky, rolling restart"
ADDED = "sticky, instance added"
EVENTS = (STEADY, SESSION_KEY, STICKY, KILL, LOST_DISK, RESTART, ADDED)
MOVES = (("memory", "redis"), ("memory", "db"), ("file", "redis"), ("file", "db"))
# The session cookie in production (DJANGO_DEBUG=0): nginx cannot name it as $cookie_…
# because of its hyphen, so the experiment reads it from the Cookie header.
SESSION_KEY_MAP = """    # bench/routing.py's experiment: hash the session cookie itself.
    map $http_cookie $shop_session_key {
        "~(?:^|;\\s*)__Host-sessionid=(?<key>[^;]+)" $key;
        default $request_id;
    }
"""
ACCESS_LINE = re.compile(r"upstream=(?P<upstream>\S+) route=(?P<route>\S+)$")
TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)


@dataclass
class RoutingFleet(Fleet):
    """The fleet, able to hash the session cookie instead of nginx's routing cookie."""

    hash_session_key: bool = False

    def nginx_config(self, values: dict[str, str]) -> str:
        config = super().nginx_config(values)
        if self.hash_session_key:
            config = config.replace(
                "hash $shop_route consistent;", "hash $shop_session_key consistent;"
            )
            config = config.replace(
                "    upstream shop {", SESSION_KEY_MAP + "    upstream shop {", 1
            )
        return config

    def route(self, how: str) -> None:
        """round-robin, sticky, or the session-key experiment (sticky's ring, another key)."""
        self.hash_session_key = how == SESSION_KEY
        self.set_routing("round-robin" if how == STEADY else "sticky")


@dataclass
class Outcome:
    """What one event cost: the shoppers who lost a cart line or their sign-in."""

    engine: str
    event: str
    shoppers: list[str]
    lost: set[str]
    signed_out: set[str]
    lines_short: int
    requests: int
    failed: int  # no answer or a 5xx, as the load counted them
    seconds: float
    # Shoppers the event touched: on the instance killed or whose disk was lost, or moved
    # to the instance added. On memory and file these are the ones expected to be lost.
    touched: set[str] | None = None
    note: str = ""
    failures: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return len(self.lost) / len(self.shoppers)

    def cell(self) -> str:
        text = f"{len(self.lost)}/{len(self.shoppers)} ({self.share:.0%})"
        if self.touched is not None:
            text += f"; {len(self.touched)} {TOUCHED[self.event]}"
        return text

    def line(self) -> str:
        touched = "" if self.touched is None else f", touched {sorted(self.touched)}"
        return (
            f"{self.engine:9} {self.event:24} lost {self.cell()}: signed out "
            f"{len(self.signed_out)}, lines short {self.lines_short}, {self.requests} requests, "
            f"{self.failed} failed, {self.seconds:.0f} s{touched} {self.note}"
            + "".join(f"\n    {failure}" for failure in self.failures[:5])
        )


TOUCHED = {KILL: "on the killed instance", LOST_DISK: "on that disk", ADDED: "moved"}


def outcome(
    engine: str, event: str, load: Load, started: float, touched: set[str] | None = None
) -> Outcome:
    report = load.report
    short = {line.split(":", 1)[0] for line in report.lost}
    signed_out = set(report.signed_out)
    return Outcome(
        engine=engine,
        event=event,
        shoppers=[worker.account.username for worker in load.workers],
        lost=short | signed_out,
        signed_out=signed_out,
        lines_short=len(report.lost),
        requests=report.requests,
        failed=len(report.failures),
        seconds=time.monotonic() - started,
        touched=touched,
        failures=[f"{f.request}: {f.status} {gist(f.text)}" for f in report.failures],
    )


def gist(text: str) -> str:
    """A page's title, or the start of a text that has none."""
    title = TITLE.search(text)
    return title.group(1).strip() if title else text[:100]


# Where each shopper is: nginx's access log names the instance that answered each routing
# cookie (deploy/nginx.conf's log format).


def instances_of(fleet: Fleet, load: Load, since: int = 0) -> dict[str, Instance]:
    """{username: the instance that answered that shopper's last request} from the access
    log, from byte `since` on."""
    by_address = {instance.address: instance for instance in fleet.instances}
    last: dict[str, str] = {}
    with (fleet.run_dir / "nginx-access.log").open() as log:
        log.seek(since)
        for line in log:
            match = ACCESS_LINE.search(line.rstrip())
            if match and match["upstream"] != "-":
                # "a, b" when nginx tried a then b: b answered.
                last[match["route"]] = match["upstream"].split(",")[-1].strip()
    where = {}
    for worker in load.workers:
        address = last.get(worker.shopper.cookies.get(ROUTE_COOKIE, ""))
        if address in by_address:
            where[worker.account.username] = by_address[address]
    return where


def log_size(fleet: Fleet) -> int:
    return (fleet.run_dir / "nginx-access.log").stat().st_size


def busiest(where: dict[str, Instance]) -> tuple[Instance, set[str]]:
    """The instance with the most shoppers, and its shoppers."""
    counts = Counter(instance.number for instance in where.values())
    number = counts.most_common(1)[0][0]
    shoppers = {name for name, instance in where.items() if instance.number == number}
    return next(i for i in where.values() if i.number == number), shoppers


# The events. Each runs a steady load of `accounts` (signed in, adding to their carts) on a
# running fleet and returns what it cost.


def more_adds(load: Load, rounds: float = 2) -> None:
    load.wait_for_more_adds(max(1, int(rounds * len(load.workers))))


def under_load(
    fleet: Fleet, accounts: list[Account], engine: str, event: str, stage: Callable,
    after: float = 2,
) -> Outcome:  # fmt: skip
    """Every shopper signed in and adding; the event staged; `after` more adds a shopper."""
    started = time.monotonic()
    touched = None
    with steady_load(fleet.url, accounts) as load:
        load.wait_until_every_shopper_adds()
        more_adds(load, 1)
        touched = stage(load)
        more_adds(load, after)
    return outcome(engine, event, load, started, touched)


def nothing(fleet: Fleet) -> Callable:
    return lambda load: None


def kill_busiest(fleet: Fleet) -> Callable:
    """Kill the instance with the most shoppers; its visitors go to the next instance on
    the ring meanwhile; start it again, on the same address (so the same arc of the ring)."""

    def stage(load: Load) -> set[str]:
        victim, shoppers = busiest(instances_of(fleet, load))
        fleet.kill_instance(victim)
        more_adds(load)
        fleet.start_instance(victim)
        return shoppers

    return stage


def lose_busiest_disk(fleet: Fleet) -> Callable:
    def stage(load: Load) -> set[str]:
        victim, shoppers = busiest(instances_of(fleet, load))
        shutil.rmtree(victim.session_files, ignore_errors=True)
        return shoppers

    return stage


def restart_all(fleet: Fleet) -> Callable:
    def stage(load: Load) -> None:
        for _ in fleet.rolling_restart():
            more_adds(load, 0.5)

    return stage


def add_instance(fleet: Fleet) -> Callable:
    def stage(load: Load) -> set[str]:
        before = instances_of(fleet, load)
        mark = log_size(fleet)
        fleet.add_instance()
        more_adds(load)
        after = instances_of(fleet, load, since=mark)
        return {name for name, instance in after.items() if before.get(name) != instance}

    return stage


STAGES = {
    STEADY: nothing,
    SESSION_KEY: nothing,
    STICKY: nothing,
    KILL: kill_busiest,
    LOST_DISK: lose_busiest_disk,
    RESTART: restart_all,
    ADDED: add_instance,
}


def run_event(
    fleet: RoutingFleet, accounts: list[Account], event: str, after: float = 2
) -> Outcome:
    fleet.route({STEADY: STEADY, SESSION_KEY: SESSION_KEY}.get(event, "sticky"))
    engine = fleet.env["SESSION_BACKEND"]
    return under_load(fleet, accounts, engine, event, STAGES[event](fleet), after)


def move_out(
    fleet: Fleet, accounts: list[Account], new: str, forget: bool = True, after: float = 2
) -> Outcome:
    """The way out of a per-instance engine: a rolling restart onto `new`, moving sessions
    as they arrive (memory's were left on each instance's disk at its graceful stop); with
    `forget`, then one that forgets the old engine, and round-robin routing."""
    old = fleet.env["SESSION_BACKEND"]
    steps = [{"SESSION_BACKEND": new, "SESSION_MIGRATE_FROM": old}]
    if forget:
        steps.append({"SESSION_MIGRATE_FROM": ""})

    def stage(load: Load) -> None:
        for changes in steps:
            for _ in fleet.rolling_restart(changes):
                more_adds(load, 0.5)
        if forget:
            fleet.set_routing("round-robin")

    return under_load(fleet, accounts, old, f"{old} → {new}", stage, after)


def events_for(engine: str, events: tuple[str, ...]) -> list[str]:
    """The lost disk only where sessions are on it."""
    return [e for e in events if e != LOST_DISK or engine == "file"]


# Fleets and their environment.


@contextmanager
def prepared(run_dir: Path, postgres_url: str = POSTGRES_URL) -> Iterator[dict[str, str]]:
    """A migrated, seeded PostgreSQL database of the run's own, and static files collected:
    the environment every fleet of the run starts from."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SESSION_"))}
    with servers.scratch_database("routing", postgres_url) as database_url:
        env = production_env(
            run_dir, {**base, "DATABASE_URL": database_url, "REDIS_URL": REDIS_URL}
        )
        prepare(env)
        yield env


@contextmanager
def running_fleet(
    env: dict[str, str], run_dir: Path, engine: str, size: int, workers: int = 2
) -> Iterator[RoutingFleet]:
    """A sticky fleet of `size` instances on `engine` (`workers` each, one on memory), in a
    folder of its own under run_dir (each instance's disk starts empty), stopped by PID
    afterwards."""
    folder = Path(tempfile.mkdtemp(prefix=f"{engine}-", dir=run_dir))
    env = {**env, "SESSION_BACKEND": engine}
    fleet = RoutingFleet(env, folder, size=size, workers=workers, routing="sticky")
    try:
        fleet.start()
        yield fleet
    finally:
        fleet.stop()


def measure_engine(
    env: dict[str, str], run_dir: Path, engine: str, events: tuple[str, ...], shoppers: int,
    size: int, say: Callable[[str], None] = print,
) -> list[Outcome]:  # fmt: skip
    """Every event in turn on one fleet, each with shoppers of its own (the instance added
    comes last: it changes the fleet)."""
    chosen = events_for(engine, events)
    every = make_accounts(env, shoppers * len(chosen), f"routing-{engine}".replace("_", "-"))
    outcomes = []
    with running_fleet(env, run_dir, engine, size) as fleet:
        for n, event in enumerate(chosen):
            try:
                result = run_event(fleet, every[n * shoppers : (n + 1) * shoppers], event)
            except (RuntimeError, AssertionError) as error:  # a start-up too slow, say
                say(f"{engine:9} {event:24} not measured: {error}")
                continue
            say(result.line())
            outcomes.append(result)
    return outcomes


def measure_move(
    env: dict[str, str], run_dir: Path, old: str, new: str, shoppers: int, size: int,
    say: Callable[[str], None] = print,
) -> Outcome | None:  # fmt: skip
    accounts = make_accounts(env, shoppers, f"routing-{old}-to-{new}".replace("_", "-"))
    try:
        with running_fleet(env, run_dir, old, size) as fleet:
            result = move_out(fleet, accounts, new)
    except (RuntimeError, AssertionError) as error:
        say(f"{old} → {new} not measured: {error}")
        return None
    say(result.line())
    return result


# The report.


def table(outcomes: list[Outcome], moves: list[Outcome], header: str) -> str:
    events = [e for e in EVENTS if any(o.event == e for o in outcomes)]
    engines = list(dict.fromkeys(o.engine for o in outcomes))
    cells = {(o.engine, o.event): o.cell() for o in outcomes}
    lines = [header, "", "| engine | " + " | ".join(events) + " |"]
    lines.append("|---|" + "---|" * len(events))
    for engine in engines:
        row = [cells.get((engine, event), "–") for event in events]
        lines.append(f"| `{engine}` | " + " | ".join(row) + " |")
    if moves:
        lines += ["", "| the way out, sticky, under load | lost |", "|---|---|"]
        lines += [f"| `{o.event}` | {o.cell()} |" for o in moves]
    return "\n".join(lines)


def machine() -> str:
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"{os.cpu_count()} cores ({platform.machine()}), load average {load}"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--shoppers", type=int, default=12, help="shoppers per event")
    parser.add_argument("--instances", type=int, default=3)
    parser.add_argument(
        "--engines", nargs="+", choices=SESSION_BACKENDS, default=list(SESSION_BACKENDS)
    )
    parser.add_argument("--events", nargs="+", choices=EVENTS, default=list(EVENTS))
    parser.add_argument(
        "--moves", nargs="*", default=[f"{a}:{b}" for a, b in MOVES], metavar="OLD:NEW",
        help="ways out to measure (none: --moves with nothing after it)",
    )  # fmt: skip
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop the fleets on the way out
    given = sys.argv[1:] if argv is None else argv
    command = shlex.join(["uv", "run", "python", "-m", "bench.routing", *given])
    began, load_before = datetime.now(UTC), machine()
    outcomes: list[Outcome] = []
    moves: list[Outcome] = []
    say = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    with (
        tempfile.TemporaryDirectory(prefix="bench-routing-") as folder,
        prepared(Path(folder), args.postgres_url) as env,
    ):
        for engine in args.engines:
            outcomes += measure_engine(
                env, Path(folder), engine, tuple(args.events), args.shoppers, args.instances, say
            )
        for move in args.moves:
            old, new = move.split(":")
            if moved := measure_move(
                env, Path(folder), old, new, args.shoppers, args.instances, say
            ):
                moves.append(moved)
    minutes = (datetime.now(UTC) - began).total_seconds() / 60
    header = (
        f"`{command}` — {args.instances} instances × 2 workers (1 on `memory`) × 4 "
        f"threads behind nginx, PostgreSQL, {args.shoppers} shoppers per event; "
        f"{began:%Y-%m-%d %H:%M} UTC, {minutes:.0f} min; {load_before} before, "
        f"{machine().split('load average ')[1]} after. Lost: shoppers with a cart line short "
        "of what the shop confirmed, or signed out."
    )
    print(table(outcomes, moves, header))


if __name__ == "__main__":
    main()

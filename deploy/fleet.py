"""The deploy/ layout on one machine: several gunicorn instances behind nginx, for trying it
and for the tests that restart, kill and fail parts of it.

    uv run python -m deploy.fleet up         # serve https://127.0.0.1:8443 until stopped
    SESSION_BACKEND=memory uv run python -m deploy.fleet up --routing sticky
                                             # ... each browser kept on one instance
    uv run python -m deploy.fleet restart    # restart the running fleet's instances in turn
    uv run python -m deploy.fleet restart SESSION_BACKEND=redis SESSION_MIGRATE_FROM=db
                                             # ... each one started with these settings
    uv run python -m deploy.fleet load       # a steady load of signed-in shoppers, reported
    uv run python -m deploy.fleet down       # stop the running fleet (or Ctrl-C in `up`)

`up` records its ports and PIDs in the run folder (fleet.json): `load`, `restart` and `down`
find the running fleet there. Exit status 1 says something went wrong: a port in use (nothing
started), nginx dying, an instance not healthy after a restart, a load that lost anything.

Production settings (DJANGO_DEBUG=0, __Host- cookies, behind the TLS proxy) on the
environment's DATABASE_URL, SESSION_BACKEND and Redis; a SQLite file in the run folder when
DATABASE_URL is not set, and only then the demo catalog and demo shoppers (or with --demo).
nginx ends TLS with a self-signed certificate made for it. Each instance has a folder of its
own in the run folder, its "disk": SESSION_FILE_PATH (the file engine's sessions, the memory
engine's hand-over) is instance-N/sessions, for every engine.

Routing (deploy/nginx.conf): round-robin, or sticky, where nginx's own routing cookie is
hashed onto a ring of the instances, for the engines whose sessions only one instance can
read (memory, file). Under sticky routing the fleet holds each instance's listening socket
and hands it to every gunicorn it starts there, so a restart never sends the instance's
visitors to an instance that does not have their sessions: the successor starts beside the
old process on that socket, or on memory, whose successor reads what the old process hands
over at its exit, the visitors wait in the socket's queue for it. An instance that is
killed closes its socket too (a crash of the host), and nginx then moves its visitors, and
only them, to the next instance on the ring.
"""

import argparse
import errno
import json
import os
import re
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

import psutil

BASE_DIR = Path(__file__).resolve().parents[1]
DEPLOY_DIR = BASE_DIR / "deploy"
RUN_DIR = BASE_DIR / ".fleet"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
START_SECONDS = 60  # for an instance or nginx to answer, on a loaded machine too
STOP_SECONDS = 25  # gunicorn's graceful_timeout, and a little more
DEMO_SHOPPERS = 8
CHANGES_FILE = "restart-settings.json"  # from `restart` to the `up` process it signals
PROGRESS_FILE = "restart-progress.jsonl"  # from `up` back to the `restart` that asked
RECORD_FILE = "fleet.json"  # the running fleet's ports and PIDs, for load, restart and down
WATCH_SECONDS = 0.5  # how soon `up` notices that nginx or an instance died
# The lines of a failed start's log that say why (a traceback's last line).
EXCEPTION_LINE = re.compile(r"^(\w+\.)*\w*(Error|Exception|Configured|Exit)\w*: ")
# What each status means under `load`; 5xx and the unexpected are explained as they come.
STATUS_MEANINGS = {
    200: "pages, and the cart's summary",
    302: "redirects after a sign-in or an add to cart the shop accepted",
    400: "adds the cart refused, telling the shopper why (the line already holds the most one "
    "order may take, ORDER_MAX_PER_LINE, or all the stock; or the product is unavailable): "
    "the cart is unchanged, nothing is lost",
    "no answer": "requests that got no answer: refused, reset or timed out",
}
SETTING = re.compile(r"[A-Z][A-Z0-9_]*=.*", re.DOTALL)
ROUTINGS = ("round-robin", "sticky")
ROUTE_COOKIE = "shoproute"  # nginx's routing cookie under sticky routing (deploy/nginx.conf)
# What goes into nginx.conf's upstream and location for each routing.
BALANCING = {
    "round-robin": "        # round-robin: nginx's default, nothing to say",
    "sticky": "        hash $shop_route consistent;  # the routing cookie, on a ring",
}
SET_ROUTE_COOKIE = "            add_header Set-Cookie $shop_route_cookie always;"
# nginx's passive health check. Sticky: never mark an instance failed, which would move all
# its visitors, strangers elsewhere, for fail_timeout; a refusing one is skipped per request.
FAILS = {"round-robin": "max_fails=1 fail_timeout=5s", "sticky": "max_fails=0"}
# Engines whose sessions live in one process: one worker per instance (threads stay).
ONE_PROCESS_ENGINES = ("memory",)
# Engines whose sessions only the instance that made them can read: they need sticky routing.
PER_INSTANCE_ENGINES = ("memory", "file")
LISTEN_BACKLOG = 2048  # gunicorn's own default: what may wait while an instance restarts


class NginxTemplate(string.Template):
    """deploy/nginx.conf's own variables start with $, so the fleet's placeholders are @{NAME}."""

    delimiter = "@"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(run_dir: Path, base: dict[str, str]) -> dict[str, str]:
    """The environment every instance gets: the same secret key across restarts, or every
    signed cookie (and the whole session, on `cookie`) would stop being valid."""
    return {
        "DATABASE_URL": own_database(run_dir),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_MEDIA_ROOT": str(run_dir / "media"),
        "DJANGO_HSTS_SECONDS": "0",  # a trial on localhost must not pin it to HTTPS
        "NEW_SESSIONS_PER_MINUTE": "100000",  # the trial's load comes from this one machine
        **base,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": base.get("DJANGO_SECRET_KEY") or secret(run_dir, "secret-key"),
        "DJANGO_BEHIND_TLS_PROXY": "1",
        "DJANGO_STATIC_ROOT": str(run_dir / "static"),
    }


def own_database(run_dir: Path) -> str:
    return f"sqlite:///{run_dir / 'db.sqlite3'}"


def secret(run_dir: Path, name: str) -> str:
    """A random value kept in the run folder, readable by its owner alone from the start."""
    path = run_dir / name
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text()
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(32))
    return path.read_text()


def manage(env: dict[str, str], *args: str) -> None:
    """Run a manage.py command quietly: its output is shown only if it fails."""
    command = [sys.executable, "manage.py", *args]
    result = subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(
            f"manage.py {args[0]} exited with {result.returncode}:\n"
            f"{(result.stdout + result.stderr).strip()}"
        )


def prepare(env: dict[str, str], demo: bool = True) -> None:
    """What a deploy does once before the instances start; the demo catalog on request."""
    manage(env, "migrate", "--noinput", "-v0")
    if demo:
        manage(env, "seed_catalog")
    manage(env, "collectstatic", "--noinput", "-v0")


def make_demo_shoppers(env: dict[str, str], password: str) -> None:
    """shopper-0 … shopper-7, with the run folder's own random password."""
    create = (
        "import os; from django.contrib.auth import get_user_model; User = get_user_model()\n"
        f"for n in range({DEMO_SHOPPERS}):\n"
        "    user, _ = User.objects.get_or_create(username=f'shopper-{n}')\n"
        "    user.set_password(os.environ['DEMO_PASSWORD']); user.save()"
    )
    manage({**env, "DEMO_PASSWORD": password}, "shell", "-v0", "-c", create)


def self_signed_certificate(run_dir: Path) -> tuple[Path, Path]:
    certificate, key = run_dir / "certificate.pem", run_dir / "certificate-key.pem"
    if not certificate.exists():
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30",
             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
             "-keyout", str(key), "-out", str(certificate)],
            check=True, capture_output=True,
        )  # fmt: skip
    return certificate, key


def wait_for(url: str, process: subprocess.Popen, log: Path, healthy: bool = False) -> None:
    """Return once `url` answers (with 200 if `healthy`) from `process` itself, which must be
    listening on the URL's port: an answer from another process holding it proves nothing.
    Fail with the log when the process exits, or does not answer in time."""
    port = urlsplit(url).port
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{program(process)} {ended(process.returncode)}:\n{tail(log)}")
        if answers(url, healthy) and port in listening_ports(process.pid):
            return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {START_SECONDS} s:\n{tail(log)}")


def answers(url: str, healthy: bool) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2).close()
        return True
    except urllib.error.HTTPError:
        return not healthy
    except OSError:
        return False


def listening_ports(pid: int) -> set[int]:
    """The TCP ports a process listens on (nginx's and gunicorn's masters hold their sockets)."""
    try:
        connections = psutil.Process(pid).net_connections(kind="tcp")
    except psutil.Error:
        return set()
    return {c.laddr.port for c in connections if c.status == psutil.CONN_LISTEN}


def program(process: subprocess.Popen) -> str:
    return "nginx" if process.args[0] == NGINX else "gunicorn"


def ended(returncode: int) -> str:
    """How a process ended, as a person reads it."""
    if returncode < 0:
        return f"was killed by {signal.Signals(-returncode).name}"
    return f"exited with status {returncode}"


def tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""


@dataclass
class Instance:
    number: int
    port: int
    folder: Path  # its own disk, as a server has: SESSION_FILE_PATH is in it
    process: subprocess.Popen | None = None
    drained: bool = False
    # Sticky routing: the listening socket, held by the fleet across the instance's restarts.
    listener: socket.socket | None = None
    backend: str = ""  # the SESSION_BACKEND its process was started with

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def __str__(self) -> str:
        return f"instance {self.number} ({self.address})"

    @property
    def running_name(self) -> str:
        return f"instance {self.number} ({self.address}, pid {self.process.pid})"

    @property
    def session_files(self) -> Path:
        """SESSION_FILE_PATH on this instance: the file engine's sessions, memory's hand-over."""
        return self.folder / "sessions"


def listening_socket(port: int) -> socket.socket:
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(LISTEN_BACKLOG)
    listener.set_inheritable(True)
    return listener


@dataclass
class Fleet:
    """Instances of gunicorn and the nginx in front of them, each stopped by its PID.
    `workers` per instance, but one on an engine that keeps sessions in a process's memory."""

    env: dict[str, str]
    run_dir: Path
    size: int = 3
    workers: int = 2
    https_port: int = field(default_factory=free_port)
    http_port: int = field(default_factory=free_port)
    instances: list[Instance] = field(default_factory=list)
    nginx: subprocess.Popen | None = None
    routing: str = "round-robin"

    def __post_init__(self) -> None:
        if self.routing not in ROUTINGS:
            raise ValueError(f"routing {self.routing!r} is not one of {', '.join(ROUTINGS)}")

    @property
    def sticky(self) -> bool:
        return self.routing == "sticky"

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def start(self) -> None:
        self.instances = [self.new_instance(n) for n in range(self.size)]
        for instance in self.instances:
            self.start_instance(instance)
        self.start_nginx()

    def new_instance(self, number: int) -> Instance:
        folder = self.run_dir / f"instance-{number}"
        folder.mkdir(mode=0o700, exist_ok=True)
        return Instance(number, free_port(), folder)

    def add_instance(self) -> Instance:
        """One more instance, started and then given its share of the traffic (under sticky
        routing, its arc of the ring: about 1/N of the visitors move to it)."""
        instance = self.new_instance(len(self.instances))
        self.start_instance(instance)
        self.instances.append(instance)
        self.write_nginx_config()
        self.reload_nginx()
        return instance

    def set_routing(self, routing: str) -> None:
        """Route another way from now on (nginx reloaded; instances untouched)."""
        if routing not in ROUTINGS:
            raise ValueError(f"routing {routing!r} is not one of {', '.join(ROUTINGS)}")
        self.routing = routing
        self.write_nginx_config()
        self.reload_nginx()

    def workers_for(self, env: dict[str, str]) -> int:
        return 1 if env.get("SESSION_BACKEND") in ONE_PROCESS_ENGINES else self.workers

    def instance_env(self, instance: Instance) -> dict[str, str]:
        """The fleet's environment, with this instance's own disk for the file engine (and
        memory's hand-over): instances on one machine must not share it."""
        return {**self.env, "SESSION_FILE_PATH": str(instance.session_files)}

    def stop(self) -> list[str]:
        """Stop nginx, then every instance; return what was running and is stopped now."""
        stopped = []
        if self.nginx and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)  # graceful: requests in flight finish
            wait_or_kill(self.nginx)
            stopped.append(f"nginx (pid {self.nginx.pid})")
        left = kill_group_left(self.nginx) if self.nginx else []  # a killed master's workers
        if left:  # they would keep its ports
            stopped.append(f"nginx's workers left by their master (pid {listed(left)})")
        for instance in self.instances:
            if instance.process and instance.process.poll() is None:
                stopped.append(instance.running_name)
            self.stop_instance(instance)
            self.close_listener(instance)
        return stopped

    def close_listener(self, instance: Instance) -> None:
        if instance.listener is not None:
            instance.listener.close()
            instance.listener = None

    def start_instance(self, instance: Instance) -> None:
        log = self.run_dir / f"instance-{instance.number}.log"
        env = self.instance_env(instance)
        binds, own, health = [instance.address], None, instance.address
        if self.sticky or instance.listener is not None:  # once held, held until stopped
            if instance.listener is None:
                instance.listener = listening_socket(instance.port)
            # The shared socket, and one of this process's own for its /healthz: while its
            # predecessor still answers on the shared one, only this one tells them apart.
            own = listening_socket(0)
            health = f"127.0.0.1:{own.getsockname()[1]}"
            binds = [f"fd://{instance.listener.fileno()}", f"fd://{own.fileno()}"]
        command = [
            sys.executable, "-m", "gunicorn", "shop.wsgi",
            "--config", str(DEPLOY_DIR / "gunicorn.conf.py"),
            *(f"--bind={bind}" for bind in binds), "--workers", str(self.workers_for(env)),
        ]  # fmt: skip
        inherited = () if own is None else (instance.listener.fileno(), own.fileno())
        try:
            with log.open("ab") as output:
                # Its own process group, so a crash can be staged by killing master and workers.
                instance.process = subprocess.Popen(
                    command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT,
                    start_new_session=True, pass_fds=inherited,
                )  # fmt: skip
        finally:
            if own is not None:
                own.close()  # the process has it now, and it goes with the process
        instance.backend = env.get("SESSION_BACKEND", "db")
        wait_for(f"http://{health}/healthz", instance.process, log, healthy=True)

    def stop_instance(self, instance: Instance) -> None:
        stop_process(instance.process)

    def kill_instance(self, instance: Instance) -> None:
        """A crash: master and workers gone at once, requests in flight cut off. Under
        sticky routing its socket goes too, as with a host that is lost: nginx finds it
        refusing and moves its visitors to the next instance on the ring."""
        os.killpg(instance.process.pid, signal.SIGKILL)
        instance.process.wait(timeout=STOP_SECONDS)
        self.close_listener(instance)

    def restart_instance(self, instance: Instance) -> None:
        """Round-robin: take it out of nginx, let its requests finish, restart it, and send
        it traffic again once /healthz says it is ready. Sticky: nginx keeps sending it its
        own visitors, whose sessions (memory, file) no other instance has. The successor
        starts on the socket the fleet holds, beside the old process, which stops once the
        successor's /healthz answers; on memory the old process stops first (it hands its
        sessions over as it exits), and requests wait in the socket's queue meanwhile."""
        if self.sticky:
            if instance.backend in ONE_PROCESS_ENGINES:
                # Its successor can only find the sessions it hands over as it exits.
                self.stop_instance(instance)
                self.start_instance(instance)
                return
            # Both serve from the socket until the successor is ready; then the old one
            # finishes its requests in flight and goes. Nobody waits for a start-up.
            predecessor, backend = instance.process, instance.backend
            try:
                self.start_instance(instance)
            except RuntimeError:
                # Not healthy in time: it goes, and the old process carries on serving.
                if instance.process is not predecessor:
                    stop_process(instance.process)
                instance.process, instance.backend = predecessor, backend
                raise
            stop_process(predecessor)
            return
        self.set_drained(instance, True)
        self.stop_instance(instance)
        self.start_instance(instance)
        self.set_drained(instance, False)

    def rolling_restart(self, changes: dict[str, str] | None = None) -> Iterator[Instance]:
        """Each instance in turn, started again with `changes` to the environment."""
        self.env = {**self.env, **(changes or {})}
        for instance in self.instances:
            self.restart_instance(instance)
            yield instance

    def set_drained(self, instance: Instance, drained: bool) -> None:
        instance.drained = drained
        self.write_nginx_config()
        self.reload_nginx()

    def start_nginx(self) -> None:
        for folder in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.run_dir / folder).mkdir(exist_ok=True)
        self.write_nginx_config()
        log = self.run_dir / "nginx-error.log"
        command = [NGINX, "-p", str(self.run_dir), "-c", str(self.run_dir / "nginx.conf"),
                   "-e", str(log), "-g", "daemon off;"]  # fmt: skip
        self.nginx = subprocess.Popen(command, start_new_session=True, stderr=subprocess.DEVNULL)
        wait_for(f"{self.http_url}/healthz", self.nginx, log)

    def write_nginx_config(self) -> None:
        certificate, key = self_signed_certificate(self.run_dir)
        upstreams = "\n".join(
            f"        server {i.address} {FAILS[self.routing]}{' down' if i.drained else ''};"
            for i in self.instances
        )
        values = {
            "USER": "user root;" if os.geteuid() == 0 else "",  # workers read the run folder
            "RUN": str(self.run_dir),
            "BALANCING": BALANCING[self.routing],
            "ROUTE_COOKIE": SET_ROUTE_COOKIE if self.sticky else "",
            "NEXT_UPSTREAM": "error" if self.sticky else "error timeout",
            "UPSTREAMS": upstreams,
            "SERVER_NAMES": "127.0.0.1 localhost",  # DJANGO_ALLOWED_HOSTS
            "HTTPS": f"127.0.0.1:{self.https_port}",
            "HTTPS_PORT": str(self.https_port),
            "HTTP": f"127.0.0.1:{self.http_port}",
            "CERTIFICATE": str(certificate),
            "CERTIFICATE_KEY": str(key),
            "ERRORS": str(DEPLOY_DIR / "errors"),
        }
        (self.run_dir / "nginx.conf").write_text(self.nginx_config(values))

    def nginx_config(self, values: dict[str, str]) -> str:
        return NginxTemplate((DEPLOY_DIR / "nginx.conf").read_text()).substitute(values)

    def reload_nginx(self) -> None:
        """Load the new config; wait until the old workers have finished their requests."""
        if not self.nginx:
            return
        master = psutil.Process(self.nginx.pid)
        old_workers = {child.pid for child in master.children()}
        self.nginx.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + STOP_SECONDS
        while {child.pid for child in master.children()} & old_workers:
            if time.monotonic() > deadline:
                raise RuntimeError("nginx's old workers did not finish within the time allowed")
            time.sleep(0.05)


def stop_process(process: subprocess.Popen | None) -> None:
    if process and process.poll() is None:
        process.terminate()  # gunicorn finishes requests in flight first
        wait_or_kill(process)


def wait_or_kill(process: subprocess.Popen) -> None:
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # its own group: master and workers at once
        process.wait(timeout=STOP_SECONDS)


def kill_group_left(leader: subprocess.Popen) -> list[int]:
    """Kill what is left of an exited process's group (nginx's workers when their master was
    killed): each by its PID, found by its group."""
    left = []
    for process in psutil.process_iter():
        try:
            in_group = os.getpgid(process.pid) == leader.pid and process.pid != leader.pid
            if in_group and process.status() != psutil.STATUS_ZOMBIE:
                process.kill()
                left.append(process.pid)
        except (OSError, psutil.Error):
            continue  # gone meanwhile
    return left


def up(args: argparse.Namespace) -> None:
    """Prepare, start and serve until Ctrl-C or `down`; report every death; exit 1 when
    nginx dies or the fleet cannot start."""
    refuse_second_fleet(args.run_dir)
    refuse_busy_ports(args.port, args.port + 1)  # before anything starts
    args.run_dir.mkdir(mode=0o700, exist_ok=True)  # the database, the keys, the logs
    forget_fleet(args.run_dir)  # what a killed `up` left: its processes are gone (checked)
    env = production_env(args.run_dir, dict(os.environ))
    fleet = Fleet(
        env, args.run_dir, args.instances, https_port=args.port, http_port=args.port + 1,
        routing=args.routing,
    )  # fmt: skip
    restart_requested = handle_signals()
    status = 1
    try:
        prepare_for(fleet, args.demo)
        status = serve(fleet, restart_requested)
    except KeyboardInterrupt:
        status = 0
    except RuntimeError as error:
        print(f"The fleet could not start: {error}", file=sys.stderr, flush=True)
    finally:
        for number in (signal.SIGINT, signal.SIGTERM):  # a second Ctrl-C leaves nothing behind
            signal.signal(number, signal.SIG_IGN)
        stopped = fleet.stop()
        forget_fleet(args.run_dir)
        print(f"Stopped {listed(stopped)}." if stopped else "Nothing was left running.", flush=True)
    sys.exit(status)


def handle_signals() -> list[bool]:
    """SIGHUP asks for a rolling restart (the list fills); SIGTERM stops as Ctrl-C does."""
    restart_requested: list[bool] = []
    signal.signal(signal.SIGHUP, lambda *_: restart_requested.append(True))
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in background
    return restart_requested


def prepare_for(fleet: Fleet, demo: bool) -> None:
    run_dir = fleet.run_dir
    # Demo data goes only where it cannot overwrite a real shop's prices or add known logins.
    demo = demo or fleet.env["DATABASE_URL"] == own_database(run_dir)
    print(f"Preparing the database{', the demo catalog' if demo else ''} and the static files…",
          flush=True)  # fmt: skip
    prepare(fleet.env, demo)
    if demo:
        make_demo_shoppers(fleet.env, secret(run_dir, "demo-password"))
        print(f"Demo shoppers shopper-0 … shopper-{DEMO_SHOPPERS - 1}, password in "
              f"{run_dir / 'demo-password'}", flush=True)  # fmt: skip
    backend = fleet.env.get("SESSION_BACKEND", "db")
    if backend in PER_INSTANCE_ENGINES and not fleet.sticky and fleet.size > 1:
        print(f"Note: {backend} sessions live on one instance, and round-robin sends each "
              "request to any: most requests will find no session. --routing sticky keeps "
              "each browser on one instance.", flush=True)  # fmt: skip


def serve(fleet: Fleet, restart_requested: list[bool]) -> int:
    write_record(fleet, "starting")
    fleet.start()
    write_record(fleet, "serving")
    backend = fleet.env.get("SESSION_BACKEND", "db")
    print(f"{counted(fleet.size, 'instance')} ({backend}, {fleet.routing}) behind nginx: "
          f"{fleet.url} (self-signed certificate), health at {fleet.http_url}/healthz. "
          f"Ctrl-C or `{command('down', fleet.run_dir)}` stops them.", flush=True)  # fmt: skip
    return watch(fleet, restart_requested)


def watch(fleet: Fleet, restart_requested: list[bool]) -> int:
    """Until stopped: an instance that dies is reported; nginx dying stops the fleet (1)."""
    reported: set[int] = set()
    while True:
        time.sleep(WATCH_SECONDS)  # a signal cuts it short
        if fleet.nginx.poll() is not None:
            report_dead_nginx(fleet)
            return 1
        report_dead_instances(fleet, reported)
        if restart_requested:
            restart_requested.clear()
            restart_on_request(fleet)
            reported.update(dead_pids(fleet))  # the restart has told of these


def report_dead_nginx(fleet: Fleet) -> None:
    log = fleet.run_dir / "nginx-error.log"
    last = tail(log, 3)
    print(f"nginx (pid {fleet.nginx.pid}) {ended(fleet.nginx.returncode)}: {fleet.url} is "
          "unreachable, so the fleet stops." + (f" Its error log ({log}) ends:\n{last}" if last
          else ""), file=sys.stderr, flush=True)  # fmt: skip


def report_dead_instances(fleet: Fleet, reported: set[int]) -> None:
    for instance in fleet.instances:
        process = instance.process
        if process is None or process.pid in reported or process.poll() is None:
            continue
        reported.add(process.pid)
        print(f"{instance.running_name} {ended(process.returncode)}; "
              f"{what_follows(fleet)}. `{command('restart', fleet.run_dir)}` starts it again; "
              f"its log: {instance_log(fleet, instance)}", file=sys.stderr, flush=True)  # fmt: skip


def what_follows(fleet: Fleet) -> str:
    if not any(i.process and i.process.poll() is None for i in fleet.instances):
        return "no instance is left to answer"
    if fleet.sticky:
        return "its visitors get no answer until it is back (sticky routing)"
    return "nginx sends its requests to the other instances"


def dead_pids(fleet: Fleet) -> set[int]:
    return {i.process.pid for i in fleet.instances if i.process and i.process.poll() is not None}


def instance_log(fleet: Fleet, instance: Instance) -> Path:
    return fleet.run_dir / f"instance-{instance.number}.log"


def restart_on_request(fleet: Fleet) -> None:
    """The rolling restart a `restart` command asked for, its progress told to both."""
    request = fleet.run_dir / CHANGES_FILE
    changes = json.loads(request.read_text()) if request.exists() else {}
    progress = Progress(fleet.run_dir / PROGRESS_FILE)
    ok = None  # until it has told how it ended
    try:
        ok = restart_in_turn(fleet, changes, progress.say)
    except Exception as error:  # a fault in the restart must not stop the shop as well
        ok = False
        progress.say(f"The rolling restart failed: {error!r}", ok=False)
    finally:
        write_record(fleet, "serving")
        request.unlink(missing_ok=True)  # first: a `restart` told "done" may ask again at once
        interrupted = "The rolling restart did not finish: the fleet is stopping."
        progress.say("" if ok is not None else interrupted, event="done", ok=bool(ok))


class Progress:
    """A rolling restart's steps, printed by `up` and appended, one JSON line each, to the
    file the `restart` command that asked for it follows."""

    def __init__(self, path: Path):
        self.path = path

    def say(self, message: str, event: str = "step", ok: bool = True) -> None:
        if message:
            print(message, flush=True)
        with self.path.open("a") as file:
            file.write(json.dumps({"event": event, "ok": ok, "message": message}) + "\n")


def restart_in_turn(fleet: Fleet, changes: dict[str, str], say=print) -> bool:
    """Stop at an instance that does not come back healthy: it stays out of nginx, and the
    others, not yet restarted, keep serving."""
    count = len(fleet.instances)
    settings = f" with {described(changes)}" if changes else ""
    say(f"Restarting {counted(count, 'instance')} one at a time{settings}…")
    fleet.env = {**fleet.env, **changes}
    for instance in fleet.instances:
        say(f"{instance}: restarting…")
        began = time.monotonic()
        try:
            fleet.restart_instance(instance)
        except RuntimeError as error:
            say(failed_restart(fleet, instance, error), ok=False)
            return False
        write_record(fleet, "serving")
        say(f"{instance}: back and healthy (pid {instance.process.pid}) "
            f"after {time.monotonic() - began:.1f} s")  # fmt: skip
    say(f"All {counted(count, 'instance')} restarted and healthy.")
    return True


def failed_restart(fleet: Fleet, instance: Instance, error: RuntimeError) -> str:
    first, *rest = str(error).splitlines() or [""]
    causes = list(dict.fromkeys(line for line in rest if EXCEPTION_LINE.match(line)))
    cause = "\n".join(f"  {line}" for line in (causes or rest)[-3:])
    if instance.process and instance.process.poll() is None:
        now = "its previous process goes on serving"
    else:
        now = "it is stopped" + ("" if fleet.sticky else " and out of nginx")
    later = [str(i.number) for i in fleet.instances[fleet.instances.index(instance) + 1 :]]
    untouched = f"; instance {', '.join(later)} not restarted, serving as before" if later else ""
    return (
        f"{instance}: did not come back healthy: {first}\n{cause}\n"
        f"The rolling restart stopped there: {now}{untouched}. Its log: "
        f"{instance_log(fleet, instance)}. Fix the cause and run restart again."
    )


SECRET_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|KEY")
PASSWORD_IN_URL = re.compile(r"(//[^/:@]*:)[^/@]*@")


def described(changes: dict[str, str]) -> str:
    """The settings as a terminal or a log may show them: no secret key, no password."""
    return " ".join(
        f"{name}=(hidden)"
        if SECRET_NAME.search(name)
        else PASSWORD_IN_URL.sub(r"\1***@", f"{name}={value}")
        for name, value in changes.items()
    )


def restart(args: argparse.Namespace) -> None:
    """Ask the running `up` for a rolling restart, show its progress, exit 1 unless every
    instance came back healthy."""
    record = running_fleet(args.run_dir)
    changes = dict(setting.split("=", 1) for setting in args.settings)
    progress = args.run_dir / PROGRESS_FILE
    try:  # one restart at a time: the request file is there until its restart is done
        request = os.open(args.run_dir / CHANGES_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        sys.exit("A rolling restart is already under way; wait for it to finish.")
    progress.unlink(missing_ok=True)
    with os.fdopen(request, "w") as file:
        json.dump(changes, file)
    os.kill(record["pid"], signal.SIGHUP)
    sys.exit(0 if follow(progress, record) else 1)


def follow(progress: Path, record: dict) -> bool:
    """Print the restart's steps as `up` writes them; True once it says all came back."""
    seconds = record["instances"] * (START_SECONDS + 3 * STOP_SECONDS)  # each one's worst case
    deadline = time.monotonic() + seconds
    read = 0
    while time.monotonic() < deadline:
        text = progress.read_text() if progress.exists() else ""
        complete = text[read : text.rfind("\n") + 1]
        read += len(complete)
        for line in complete.splitlines():
            step = json.loads(line)
            if step["message"]:
                print(step["message"], flush=True, file=sys.stdout if step["ok"] else sys.stderr)
            if step["event"] == "done":
                return step["ok"]
        if not up_is_running(record):
            print("The `up` command stopped before the restart finished.", file=sys.stderr)
            return False
        time.sleep(0.2)
    print("The restart did not finish in time; see the `up` command's output.", file=sys.stderr)
    return False


def down(args: argparse.Namespace) -> None:
    """Stop the running fleet (or what a killed `up` left running) and say what stopped."""
    record = read_record(args.run_dir)
    if record and up_is_running(record):
        stop_up(record)
        left = stop_left_behind(record)  # none, unless `up` could not stop them
        names = [f"its `up` command (pid {record['pid']})"]
        names += [entry["name"] for entry in record["processes"]]
        print(f"Stopped the fleet at {record['url']}: {listed(names)}.", flush=True)
        if left:
            print(f"({listed(left)} had to be stopped here.)", flush=True)
    elif record and left_behind(record):
        left = stop_left_behind(record)
        forget_fleet(args.run_dir)
        print(f"Its `up` command was gone; stopped what it left running: {listed(left)}.")
    else:
        sys.exit(f"No fleet is running from {args.run_dir}: nothing to stop.")


def stop_up(record: dict) -> None:
    psutil.Process(record["pid"]).terminate()  # `up` stops nginx and every instance, as on Ctrl-C
    seconds = (len(record["processes"]) + 1) * STOP_SECONDS
    deadline = time.monotonic() + seconds
    while is_running(record):
        if time.monotonic() > deadline:
            sys.exit(f"The `up` command (pid {record['pid']}) did not stop within {seconds} s.")
        time.sleep(0.1)


def stop_left_behind(record: dict) -> list[str]:
    stopped = []
    for entry in left_behind(record):
        process = psutil.Process(entry["pid"])
        process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        except psutil.TimeoutExpired:
            process.kill()
        stopped.append(entry["name"])
    return stopped


def write_record(fleet: Fleet, state: str) -> None:
    """What this `up` runs, for `load`, `restart` and `down`: its ports and PIDs."""
    processes = [(f"nginx (pid {fleet.nginx.pid})", fleet.nginx)] if fleet.nginx else []
    processes += [(i.running_name, i.process) for i in fleet.instances if i.process]
    record = {
        "pid": os.getpid(),
        "started": psutil.Process().create_time(),
        "state": state,
        "url": fleet.url,
        "https_port": fleet.https_port,
        "http_port": fleet.http_port,
        "routing": fleet.routing,
        "instances": len(fleet.instances),
        "processes": [
            {"name": name, "pid": p.pid, "started": started(p.pid)}
            for name, p in processes
            if p.poll() is None
        ],
    }
    path = fleet.run_dir / RECORD_FILE
    path.with_suffix(".new").write_text(json.dumps(record, indent=1))
    path.with_suffix(".new").replace(path)  # whole or not at all, for a reader


def read_record(run_dir: Path) -> dict | None:
    try:
        return json.loads((run_dir / RECORD_FILE).read_text())
    except (OSError, ValueError):
        return None


def forget_fleet(run_dir: Path) -> None:
    for name in (RECORD_FILE, CHANGES_FILE, PROGRESS_FILE):
        (run_dir / name).unlink(missing_ok=True)


def started(pid: int) -> float:
    try:
        return psutil.Process(pid).create_time()
    except psutil.Error:
        return 0.0


def is_running(entry: dict) -> bool:
    """The very process recorded, not another that has its PID since, nor one that has
    exited and only waits for its parent to take note (a zombie)."""
    try:
        process = psutil.Process(entry["pid"])
        same = abs(process.create_time() - entry["started"]) < 0.01
        return same and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def up_is_running(record: dict) -> bool:
    try:
        command_line = psutil.Process(record["pid"]).cmdline()
    except psutil.Error:
        return False
    return is_running(record) and "deploy.fleet" in command_line


def left_behind(record: dict) -> list[dict]:
    return [entry for entry in record["processes"] if is_running(entry)]


def running_fleet(run_dir: Path) -> dict:
    """The record of the `up` serving from run_dir: a stale record must not make us signal
    some other process, and a fleet still starting has nothing to restart or load."""
    record = read_record(run_dir)
    if record is None or not up_is_running(record):
        sys.exit(f"No fleet is running from {run_dir} (start one with: "
                 f"{command('up', run_dir)}).")  # fmt: skip
    if record["state"] != "serving":
        sys.exit(f"The fleet from {run_dir} is still starting; try again once `up` says so.")
    return record


def refuse_second_fleet(run_dir: Path) -> None:
    record = read_record(run_dir)
    if record and up_is_running(record):
        sys.exit(f"A fleet is already running from {run_dir} at {record['url']} (pid "
                 f"{record['pid']}); stop it with: {command('down', run_dir)}")  # fmt: skip
    if record and left_behind(record):
        names = listed([entry["name"] for entry in left_behind(record)])
        sys.exit(f"An earlier `up` from {run_dir} was killed and left {names} running; "
                 f"stop them with: {command('down', run_dir)}")  # fmt: skip


def refuse_busy_ports(*ports: int) -> None:
    busy = "; ".join(f"port {p} on 127.0.0.1 {why}" for p in ports if (why := why_not_free(p)))
    if busy:
        sys.exit(f"{busy[0].upper()}{busy[1:]}: nginx cannot listen there, so nothing was "
                 "started. Stop what holds it, or choose other ports with --port P (nginx takes "
                 "P for HTTPS and P+1 for HTTP).")  # fmt: skip


def why_not_free(port: int) -> str:
    """Why nginx could not listen on the port ("" if it could), as nginx binds it."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT does not count
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            in_use = error.errno == errno.EADDRINUSE
            return f"is in use ({holder(port)})" if in_use else f"cannot be used: {error.strerror}"
    return ""


def holder(port: int) -> str:
    try:
        for connection in psutil.net_connections(kind="tcp"):
            if connection.laddr.port == port and connection.status == psutil.CONN_LISTEN:
                if connection.pid:
                    process = master(psutil.Process(connection.pid))
                    return f"by {process.name()}, pid {process.pid}"
    except psutil.Error:
        pass
    return "by another process"


def master(process: psutil.Process) -> psutil.Process:
    """nginx's master rather than the worker that shares its socket (gunicorn's too)."""
    parent = process.parent()
    while parent is not None and parent.name() == process.name():
        process, parent = parent, parent.parent()
    return process


def command(name: str, run_dir: Path) -> str:
    """The command line an operator types for `name` on this run folder."""
    folder = "" if run_dir == RUN_DIR else f" --run-dir {run_dir}"
    return f"uv run python -m deploy.fleet {name}{folder}"


def listed(names: list) -> str:
    names = [str(name) for name in names]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def counted(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def setting(text: str) -> str:
    if not SETTING.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=value, e.g. SESSION_BACKEND=redis")
    return text


def load(args: argparse.Namespace) -> None:
    """Demo shoppers adding to their carts on the running fleet (or on --port), summed up;
    exit 1 on any failure, lost cart line or signed-out shopper, or if no add counted."""
    from tools.shoppers import Account, NoAnswer, steady_load

    port = args.port or running_fleet(args.run_dir)["https_port"]
    accounts = [Account(f"shopper-{n}", demo_password(args.run_dir)) for n in range(args.shoppers)]
    url = f"https://127.0.0.1:{port}"
    print(f"{counted(args.shoppers, 'demo shopper')} adding to their carts at {url} for "
          f"{args.seconds:g} s…", flush=True)  # fmt: skip
    try:
        with steady_load(url, accounts, max_seconds=args.seconds + 1) as running:
            time.sleep(args.seconds)
    except NoAnswer as error:
        sys.exit(f"The shop at {url} did not answer: {error}")
    report = running.report
    print(load_summary(report))
    sys.exit(0 if load_passed(report) else 1)


def demo_password(run_dir: Path) -> str:
    path = run_dir / "demo-password"
    if not path.exists():
        sys.exit(f"No demo shoppers in {run_dir}: `up` makes them on its own SQLite database, "
                 "or on DATABASE_URL with --demo.")  # fmt: skip
    return path.read_text()


def load_passed(report) -> bool:
    return not (report.failures or report.lost or report.signed_out) and report.adds > 0


def load_summary(report) -> str:
    """Every status counted, with what it means here; a section only when it has lines."""
    failed = Counter(failure.status or "no answer" for failure in report.failures)
    lines = [f"{report.requests} requests, {report.adds} adds to cart confirmed. Statuses:"]
    for status, count in sorted(report.statuses.items(), key=lambda item: str(item[0])):
        lines.append(f"  {status!s:>9} ×{count:<6} {meaning(status, failed[status])}")
    sections = [
        ("Failures", [f"{f.seconds:6.2f} s {f.request}: {f.status or 'no answer'} {f.text[:160]}"
                      for f in report.failures]),
        ("Cart lines unlike what the shop confirmed", report.lost),
        ("Shoppers signed out meanwhile", report.signed_out),
    ]  # fmt: skip
    for title, entries in sections:
        if entries:
            lines += [f"{title} ({len(entries)}):", *(f"  {entry}" for entry in entries)]
    if not (report.lost or report.signed_out):
        lines.append("Every cart holds what the shop confirmed; every shopper is still signed in.")
    if not report.adds:
        lines.append("No add to cart was confirmed.")
    lines.append("Passed." if load_passed(report) else "Failed.")
    return "\n".join(lines)


def meaning(status: int | str, failed: int) -> str:
    """What a status means under this load; the failed ones are listed under Failures."""
    listed_below = f"; {failed} listed under Failures" if failed else ""
    if status in STATUS_MEANINGS:
        return STATUS_MEANINGS[status] + listed_below
    if isinstance(status, int) and status >= 500:
        return f"{HTTPStatus(status).phrase}: the shop or nginx failed; listed under Failures"
    phrase = HTTPStatus(status).phrase if isinstance(status, int) else status
    return f"{phrase}: not expected under this load{listed_below}"


def main() -> None:
    folder = argparse.ArgumentParser(add_help=False)
    folder.add_argument("--run-dir", type=Path, default=RUN_DIR, help="logs, pids, keys")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(required=True)
    start = commands.add_parser("up", parents=[folder], help="prepare and serve until stopped")
    start.add_argument("--port", type=int, default=8443, help="nginx's HTTPS port (HTTP: +1)")
    start.add_argument("--instances", type=int, default=3)
    start.add_argument(
        "--routing", choices=ROUTINGS, default="round-robin",
        help="sticky: nginx keeps each browser on one instance (for memory and file)",
    )  # fmt: skip
    start.add_argument("--demo", action="store_true", help="seed demo data into DATABASE_URL too")
    start.set_defaults(run=up)
    again = commands.add_parser(
        "restart", parents=[folder], help="restart the running fleet's instances in turn"
    )
    again.add_argument(
        "settings", nargs="*", type=setting, metavar="NAME=value",
        help="environment for the restarted instances, e.g. SESSION_BACKEND=redis",
    )  # fmt: skip
    again.set_defaults(run=restart)
    shoppers = commands.add_parser("load", parents=[folder], help="demo shoppers adding to carts")
    shoppers.add_argument("--port", type=int, help="HTTPS port (default: the running fleet's)")
    shoppers.add_argument("--seconds", type=float, default=30)
    shoppers.add_argument("--shoppers", type=int, default=DEMO_SHOPPERS)
    shoppers.set_defaults(run=load)
    stop = commands.add_parser("down", parents=[folder], help="stop the running fleet")
    stop.set_defaults(run=down)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()

"""The deploy/ layout on one machine: several gunicorn instances behind nginx, for trying it
and for the tests that restart, kill and fail parts of it.

    uv run python -m deploy.fleet up         # serve https://127.0.0.1:8443 until Ctrl-C
    SESSION_BACKEND=memory uv run python -m deploy.fleet up --routing sticky
                                             # ... each browser kept on one instance
    uv run python -m deploy.fleet restart    # restart the running fleet's instances in turn
    uv run python -m deploy.fleet restart SESSION_BACKEND=redis SESSION_MIGRATE_FROM=db
                                             # ... each one started with these settings
    uv run python -m deploy.fleet load       # a steady load of signed-in shoppers, reported

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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil

BASE_DIR = Path(__file__).resolve().parents[1]
DEPLOY_DIR = BASE_DIR / "deploy"
RUN_DIR = BASE_DIR / ".fleet"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
START_SECONDS = 60  # for an instance or nginx to answer, on a loaded machine too
STOP_SECONDS = 25  # gunicorn's graceful_timeout, and a little more
DEMO_SHOPPERS = 8
CHANGES_FILE = "restart-settings.json"  # from `restart` to the `up` process it signals
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
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


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
    manage({**env, "DEMO_PASSWORD": password}, "shell", "-c", create)


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
    """Return once `url` answers (with 200 if `healthy`); fail with the log otherwise."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}:\n{tail(log)}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            if not healthy:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {START_SECONDS} s:\n{tail(log)}")


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

    def stop(self) -> None:
        if self.nginx and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)  # graceful: requests in flight finish
            wait_or_kill(self.nginx)
        for instance in self.instances:
            self.stop_instance(instance)
            self.close_listener(instance)

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
        process.kill()
        process.wait(timeout=STOP_SECONDS)


def up(args: argparse.Namespace) -> None:
    args.run_dir.mkdir(mode=0o700, exist_ok=True)  # the database, the keys, the logs
    env = production_env(args.run_dir, dict(os.environ))
    # Demo data goes only where it cannot overwrite a real shop's prices or add known logins.
    demo = args.demo or env["DATABASE_URL"] == own_database(args.run_dir)
    print(f"Preparing the database{', the demo catalog' if demo else ''} and the static files…")
    prepare(env, demo)
    if demo:
        make_demo_shoppers(env, secret(args.run_dir, "demo-password"))
        print(f"Demo shoppers shopper-0 … shopper-{DEMO_SHOPPERS - 1}, password in "
              f"{args.run_dir / 'demo-password'}", flush=True)  # fmt: skip
    fleet = Fleet(
        env, args.run_dir, args.instances, https_port=args.port, http_port=args.port + 1,
        routing=args.routing,
    )  # fmt: skip
    backend = env.get("SESSION_BACKEND", "db")
    if backend in PER_INSTANCE_ENGINES and args.routing == "round-robin" and args.instances > 1:
        print(f"Note: {backend} sessions live on one instance, and round-robin sends each "
              "request to any: most requests will find no session. --routing sticky keeps "
              "each browser on one instance.", flush=True)  # fmt: skip
    restart_requested = []
    signal.signal(signal.SIGHUP, lambda *_: restart_requested.append(True))
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop as on Ctrl-C
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in background
    (args.run_dir / "fleet.pid").write_text(str(os.getpid()))
    try:
        fleet.start()
        print(f"{args.instances} instances ({backend}, {args.routing}) behind nginx: "
              f"{fleet.url} (self-signed certificate), health at {fleet.http_url}/healthz. "
              "Ctrl-C stops them.", flush=True)  # fmt: skip
        while True:
            signal.pause()
            while restart_requested:
                restart_requested.clear()
                restart_in_turn(fleet, take_changes(args.run_dir))
    except KeyboardInterrupt:
        pass
    finally:
        fleet.stop()
        (args.run_dir / "fleet.pid").unlink(missing_ok=True)


def restart_in_turn(fleet: Fleet, changes: dict[str, str]) -> None:
    """Stop at an instance that does not come back healthy: it stays out of nginx, and the
    others, not yet restarted, keep serving."""
    if changes:
        print(f"Restarting with {described(changes)}", flush=True)
    try:
        for instance in fleet.rolling_restart(changes):
            print(f"instance {instance.number} ({instance.address}) restarted", flush=True)
    except RuntimeError as error:
        print(f"Rolling restart stopped; that instance is left out of nginx:\n{error}", flush=True)


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
    pid = running_fleet(args.run_dir)
    changes = dict(setting.split("=", 1) for setting in args.settings)
    (args.run_dir / CHANGES_FILE).write_text(json.dumps(changes))
    os.kill(pid, signal.SIGHUP)
    print("Rolling restart asked for; the `up` command prints each instance as it returns.")


def take_changes(run_dir: Path) -> dict[str, str]:
    """The settings the last `restart` asked for, once."""
    path = run_dir / CHANGES_FILE
    changes = json.loads(path.read_text()) if path.exists() else {}
    path.unlink(missing_ok=True)
    return changes


def setting(text: str) -> str:
    if not SETTING.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=value, e.g. SESSION_BACKEND=redis")
    return text


def running_fleet(run_dir: Path) -> int:
    """The PID of the `up` command serving from run_dir: a stale file must not make us signal
    some other process."""
    pid_file = run_dir / "fleet.pid"
    pid = int(pid_file.read_text()) if pid_file.exists() else 0
    if not pid or not psutil.pid_exists(pid) or "deploy.fleet" not in psutil.Process(pid).cmdline():
        sys.exit(f"No fleet is running from {run_dir} (start one with: deploy.fleet up).")
    return pid


def load(args: argparse.Namespace) -> None:
    from tools.shoppers import Account, steady_load

    password = (args.run_dir / "demo-password").read_text()
    accounts = [Account(f"shopper-{n}", password) for n in range(args.shoppers)]
    url = f"https://127.0.0.1:{args.port}"
    with steady_load(url, accounts, max_seconds=args.seconds + 1) as running:
        time.sleep(args.seconds)
    report = running.report
    print(report.summary())
    sys.exit(1 if report.failures or report.lost or report.signed_out or not report.adds else 0)


def main() -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--run-dir", type=Path, default=RUN_DIR, help="logs, pids, keys")
    common.add_argument("--port", type=int, default=8443, help="nginx's HTTPS port (HTTP: +1)")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(required=True)
    start = commands.add_parser("up", parents=[common], help="prepare and serve until Ctrl-C")
    start.add_argument("--instances", type=int, default=3)
    start.add_argument(
        "--routing", choices=ROUTINGS, default="round-robin",
        help="sticky: nginx keeps each browser on one instance (for memory and file)",
    )  # fmt: skip
    start.add_argument("--demo", action="store_true", help="seed demo data into DATABASE_URL too")
    start.set_defaults(run=up)
    again = commands.add_parser("restart", parents=[common], help="restart instances in turn")
    again.add_argument(
        "settings", nargs="*", type=setting, metavar="NAME=value",
        help="environment for the restarted instances, e.g. SESSION_BACKEND=redis",
    )  # fmt: skip
    again.set_defaults(run=restart)
    shoppers = commands.add_parser("load", parents=[common], help="demo shoppers adding to carts")
    shoppers.add_argument("--seconds", type=float, default=30)
    shoppers.add_argument("--shoppers", type=int, default=DEMO_SHOPPERS)
    shoppers.set_defaults(run=load)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()

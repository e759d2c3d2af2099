"""gunicorn for one shop instance behind nginx: `gunicorn shop.wsgi -c deploy/gunicorn.conf.py`.

Every instance is the same, and on every engine but `memory` and `file` keeps no session
state, so nginx may send any request to any of them. Each setting can be overridden on the
command line (`--bind`, `--workers`).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # nginx is the only client
# Sessions in a process's memory need every request of an instance to reach one process.
in_memory = os.environ.get("SESSION_BACKEND") == "memory"
# Threads let a worker wait on PostgreSQL or Redis for one request while serving others.
workers = int(os.environ.get("GUNICORN_WORKERS", 1 if in_memory else multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = 30  # a worker stuck this long is killed and replaced
# On SIGTERM requests in flight get this long to finish; nginx has stopped sending new ones.
graceful_timeout = 20
keepalive = 75  # longer than nginx's upstream keepalive_timeout, so nginx closes first
# Replace workers now and then, so a slow leak cannot grow without bound; never a worker
# whose memory holds the sessions.
max_requests = 0 if in_memory else 5000
max_requests_jitter = 0 if in_memory else 500
accesslog = "-"
errorlog = "-"
# Worker heartbeats on a RAM disk: a slow disk must not make the master kill healthy workers.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None


def on_starting(server) -> None:
    """Refuse `memory` with more than one worker before any starts: each would hold its own
    sessions, and a visitor would be a stranger to every worker but one."""
    if in_memory and server.cfg.workers > 1:
        from shop.sessions.memory import SECOND_PROCESS

        raise SystemExit(f"{SECOND_PROCESS} (--workers is {server.cfg.workers})")

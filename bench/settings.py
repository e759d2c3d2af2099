"""Settings for the engine benchmark: the shop's own, with one twin's session store and
middleware (BENCH_TWIN: shop, stock, user_sessions, qsessions), so every twin runs the same
code with the same settings otherwise. SESSION_FILE_PATH comes from the environment: the
benchmark gives every server a folder of its own."""

import os
import warnings

from bench import REDIS_PREFIX
from shop.sessions.config import session_settings
from shop.settings import *  # noqa: F403
from shop.settings import INSTALLED_APPS, MIDDLEWARE, REDIS_URL, SESSION_BACKEND
from tools.stock_twin import PEERS, twin_sessions

BENCH_TWIN = os.environ.get("BENCH_TWIN", "shop")
# The benchmark's Redis keys have a prefix of their own, so it clears only what it wrote.
globals().update(session_settings(SESSION_BACKEND, REDIS_URL, key_prefix=REDIS_PREFIX))
if BENCH_TWIN in PEERS:  # both peers name User.session_set: one at a time
    INSTALLED_APPS = [*INSTALLED_APPS, PEERS[BENCH_TWIN][2]]
    # django-user-sessions 2.0.0 reads its version through setuptools' pkg_resources.
    warnings.filterwarnings("ignore", "pkg_resources is deprecated", UserWarning)
    # django-user-sessions' middleware sets request.session without subclassing Django's.
    SILENCED_SYSTEM_CHECKS = ["admin.E410"]
_twin = twin_sessions(BENCH_TWIN, SESSION_BACKEND, MIDDLEWARE)
_twin_middleware = _twin.pop("MIDDLEWARE")
if _twin["SESSION_ENGINE"]:  # with any setting the twin's store reads besides
    globals().update(_twin)
# Counts SQL statements and Redis commands of a request that asks for it (X-Bench-Count).
MIDDLEWARE = ["bench.round_trips.CountingMiddleware", *_twin_middleware]
# Sign-in is a step of the journey: a fast hasher, so it measures sessions, not PBKDF2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Plain HTTP on 127.0.0.1: cookies without Secure or the __Host- prefix, no HTTPS redirect.
# TLS is the proxy's work and costs every twin the same.
SESSION_COOKIE_NAME, CSRF_COOKIE_NAME = "sessionid", "csrftoken"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = False

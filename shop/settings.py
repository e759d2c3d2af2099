"""Settings, read from the environment (see the README's table); safe defaults for development."""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from shop import security
from shop.catalog.limits import MAX_QUANTITY_PER_LINE
from shop.env import (
    env_count,
    env_flag,
    env_list,
    env_money,
    env_networks,
    env_rate,
    env_seconds,
    env_str,
    env_typed,
)
from shop.mail_settings import email_settings
from shop.sessions.config import RATE_LIMITS_CACHE_ALIAS, session_settings

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_flag("DJANGO_DEBUG", True)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG=0.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "accounts",
    "shop.register",
    "shop.catalog",
    "cart",
    "shop.orders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "shop.no_store.NoStoreMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "shop.sessions.middleware.SessionMiddleware",  # Django's, with one change at a time per session
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "shop.register.middleware.SessionRegisterMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cart.context_processors.cart",
                "shop.orders.context_processors.orders",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
if not DATABASE_URL:  # set but empty: never a database nobody named
    raise ImproperlyConfigured(
        "DATABASE_URL is empty: give it (postgres://user@host:5432/name) or unset it for "
        "the SQLite file in the project."
    )
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take the lock when a transaction starts, so locked cart changes queue up.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    # A file, not shared memory, so concurrent tests wait for locks as a real server does.
    DATABASES["default"]["TEST"] = {
        "NAME": Path(tempfile.gettempdir()) / f"shop-test-{os.getpid()}.sqlite3"
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable server costs a page 2 s (psycopg's minimum), not 130; ?connect_timeout= wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
REDIS_SENTINELS = env_str("REDIS_SENTINELS")  # then REDIS_URL's host is the service
REDIS_CLUSTER_NODES = env_str("REDIS_CLUSTER_NODES")  # then REDIS_URL is not used
# The one SESSION_BACKEND setting, as Django's session and cache settings (shop/sessions/).
sessions = session_settings(
    env_str("SESSION_BACKEND", "db"),
    REDIS_URL,
    sentinels=REDIS_SENTINELS,
    cluster_nodes=REDIS_CLUSTER_NODES,
    # Sessions of this engine move to SESSION_BACKEND as they arrive (docs/configuration.md).
    migrate_from=env_str("SESSION_MIGRATE_FROM"),
)
SESSION_BACKEND = sessions["SESSION_BACKEND"]
SESSION_MIGRATE_FROM = sessions["SESSION_MIGRATE_FROM"]
SESSION_ENGINE = sessions["SESSION_ENGINE"]
SESSION_CACHE_ALIAS = sessions["SESSION_CACHE_ALIAS"]
CACHES = sessions["CACHES"]
# The `file` engine's folder on this instance's disk (made on first use, mode 0700); the
# `memory` engine leaves its sessions there at a graceful stop, for a move to another engine.
SESSION_FILE_PATH = Path(env_str("SESSION_FILE_PATH") or BASE_DIR / "var" / "sessions")
SESSION_SERIALIZER = "django.contrib.sessions.serializers.JSONSerializer"
# How long signed-in sessions last (shop/sessions/lifetime.py); guests keep SESSION_COOKIE_AGE.
SESSION_IDLE_SECONDS = env_seconds("SESSION_IDLE_SECONDS", 7200)
SESSION_MAX_SECONDS = env_seconds("SESSION_MAX_SECONDS", 43200)
SESSION_REMEMBER_SECONDS = env_seconds("SESSION_REMEMBER_SECONDS", 2592000)
CSRF_FAILURE_VIEW = "shop.views.csrf_failure"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "catalog:home"
LOGOUT_REDIRECT_URL = "catalog:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]  # with the benchmark's chart, for /state/
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT") or BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

TEST_RUNNER = "shop.test_runner.PytestRunner"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# --- Hardened production (shop/security.py) -------------------------------------------------
# With DJANGO_DEBUG=0: __Host- cookies (Secure, Path=/, no Domain), HTTPS redirect except
# /healthz, HSTS (DJANGO_HSTS_SECONDS, DJANGO_HSTS_INCLUDE_SUBDOMAINS, DJANGO_HSTS_PRELOAD),
# X-Forwarded-Proto trusted with DJANGO_BEHIND_TLS_PROXY=1. In every mode: the
# Content-Security-Policy (csp.middleware) and no-store on personal pages (shop/no_store.py).
production = not DEBUG
cookie_prefix = security.HOST_PREFIX if production else ""
SESSION_COOKIE_NAME = f"{cookie_prefix}sessionid"
CSRF_COOKIE_NAME = f"{cookie_prefix}csrftoken"
SESSION_COOKIE_SECURE = production
CSRF_COOKIE_SECURE = production
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_PATH = "/"
CSRF_COOKIE_PATH = "/"
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SECURE_SSL_REDIRECT = production
SECURE_REDIRECT_EXEMPT = security.REDIRECT_EXEMPT
# Read in both modes, so a bad value fails on a developer's machine first; development must
# not pin localhost to HTTPS in the developer's browser.
hsts_seconds = env_seconds("DJANGO_HSTS_SECONDS", security.HSTS_SECONDS, minimum=0)
SECURE_HSTS_SECONDS = hsts_seconds if production else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_flag("DJANGO_HSTS_PRELOAD", True)
# X-Forwarded-Proto is believed only behind a proxy that sets it, or clients could claim HTTPS.
BEHIND_TLS_PROXY = env_flag("DJANGO_BEHIND_TLS_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
# Only these proxies have their X-Forwarded-For believed (shop/client_ip.py); behind a proxy
# on this host (the fleet's layout) loopback speaks for clients by default.
proxies = security.LOOPBACK if BEHIND_TLS_PROXY else ""
TRUSTED_PROXIES = env_networks("DJANGO_TRUSTED_PROXIES", proxies)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = security.CONTENT_SECURITY_POLICY

# --- Sign-in throttling (django-axes) -------------------------------------------------------
# After SIGNIN_FAILURE_LIMIT failed sign-ins for one username from one address, that pair is
# refused for SIGNIN_COOLOFF_SECONDS on the shop's form and the admin's, with a 429
# (accounts/throttling.py). Only the pair: no one can lock a user out from everywhere.
# Staff see the failures in the admin, under Axes.
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]  # last, as axes asks: it answers a lockout
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: a locked-out pair's password is not tried
    "django.contrib.auth.backends.ModelBackend",
]
SIGNIN_FAILURE_LIMIT = env_count("SIGNIN_FAILURE_LIMIT", 5)
SIGNIN_COOLOFF_SECONDS = env_seconds("SIGNIN_COOLOFF_SECONDS", 900)
AXES_FAILURE_LIMIT = SIGNIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(seconds=SIGNIN_COOLOFF_SECONDS)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "shop.client_ip.lockout_address"  # the client behind the proxy
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.throttling.locked_out"
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # failures stay listed after a success or the cool-off
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are in the session register already

# --- Password reset: mail (EMAIL_URL) and its rate limit (django-ratelimit) ------------------
# At most PASSWORD_RESET_RATE requests per client address and per email address, counted in
# the database every instance shares (the rate_limits cache, made in shop/sessions/config.py).
mail = email_settings(env_typed("EMAIL_URL", "console:"))
EMAIL_BACKEND = mail["EMAIL_BACKEND"]
EMAIL_FILE_PATH = mail["EMAIL_FILE_PATH"]
EMAIL_HOST = mail["EMAIL_HOST"]
EMAIL_PORT = mail["EMAIL_PORT"]
EMAIL_HOST_USER = mail["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = mail["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = mail["EMAIL_USE_TLS"]
EMAIL_USE_SSL = mail["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = mail["EMAIL_TIMEOUT"]
DEFAULT_FROM_EMAIL = env_typed("DJANGO_DEFAULT_FROM_EMAIL", "Larder & Loom <shop@localhost>")
INSTALLED_APPS += ["django_ratelimit"]
PASSWORD_RESET_RATE = env_rate("PASSWORD_RESET_RATE", "5/h")
# Orders placed per client address: pay on delivery costs a fraudster nothing, and each
# order mails an address they choose.
ORDER_PLACE_RATE = env_rate("ORDER_PLACE_RATE", "30/h")
# One order's limits: its total, and the units of one product (at most MAX_QUANTITY_PER_LINE,
# the most a stored cart line can hold).
ORDER_MAX_VALUE = env_money("ORDER_MAX_VALUE", "500.00")
ORDER_MAX_PER_LINE = env_count("ORDER_MAX_PER_LINE", 10)
if ORDER_MAX_PER_LINE > MAX_QUANTITY_PER_LINE:
    raise ImproperlyConfigured(f"ORDER_MAX_PER_LINE must be at most {MAX_QUANTITY_PER_LINE}.")
# New sessions a client address may start a minute (shop/sessions/admission.py), and
# accounts it may create: a bot must not fill the stores, the register or the user table.
NEW_SESSIONS_PER_MINUTE = env_count("NEW_SESSIONS_PER_MINUTE", 60)
SIGNUP_RATE = env_rate("SIGNUP_RATE", "5/h")
RATELIMIT_USE_CACHE = RATE_LIMITS_CACHE_ALIAS
RATELIMIT_IP_META_KEY = "shop.client_ip.client_ip"  # it counts an IPv6 client's /64 itself
# django-ratelimit warns of any cache it does not list; this one counts atomically
# (shop/counter_cache.py), which is what the warning is about.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

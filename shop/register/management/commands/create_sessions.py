"""Synthetic active sessions for load tests and benchmarks.

Each one is real: its data sits in the engine's store under the key Django's own store uses
(nothing server-side for `cookie`), and its register row says who holds it and with what
cart. Synthetic rows are recognisable, so `--clear` removes them and nothing else:
users are named `synthetic-NNNNNN`, register public ids start with `synthetic-`, and IP
addresses come from the ranges reserved for benchmarking (198.18.0.0/15, 2001:2::/48), never
a real visitor's. Stores keep only the digest of a key, as for real sessions; a synthetic
session's key is derived from its public id and SECRET_KEY (`session_key_of`), so a load
test can act as one.

`--engine` may differ from SESSION_BACKEND: the data then goes where a server started with
SESSION_BACKEND=<engine> (and the same REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES)
reads it. The store's classes are not used to write, because one object and round trip per
session would take an hour at a million; the command writes what they would write, in
batches (on a Redis Cluster, redis-py's pipeline sends each node its share).
"""

import ipaddress
import random
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.hashers import make_password
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_redis.cache import RedisCache
from tqdm import tqdm

from cart import session_cart
from shop.catalog.models import Product
from shop.register import rows
from shop.register.models import SessionRecord
from shop.sessions.base import HashedCacheKeysMixin, HashedRowsMixin, digest
from shop.sessions.config import (
    REDIS_BACKENDS,
    SESSION_BACKENDS,
    SESSION_ENGINES,
    SESSIONS_CACHE_ALIAS,
    redis_cache,
    store_class,
)

SYNTHETIC = "synthetic-"  # usernames and register public ids
SYNTHETIC_IPV4 = ipaddress.ip_network("198.18.0.0/15")  # RFC 2544, benchmarking
SYNTHETIC_IPV6 = ipaddress.ip_network("2001:2::/48")  # RFC 5180, benchmarking

SIGNED_IN_SHARE = 0.45
CART_SHARE = 0.3
IPV6_SHARE = 0.2
IP_POOL_SIZE = 50_000
LAST_SEEN_SPREAD = timedelta(hours=6)
AGE_BEFORE_LAST_SEEN = timedelta(days=3)
USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.6367.82 Mobile Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67",
    "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1",
)
# Products to fill carts with when the catalog is empty: (id, price).
STAND_IN_PRODUCTS = tuple((pk, Decimal(f"{2 + pk * 0.75:.2f}")) for pk in range(1, 61))


@dataclass(frozen=True)
class Store:
    """Where one engine keeps session data, as its SessionStore would write it."""

    engine: str
    uses_db: bool  # django_session rows, data encoded as SessionStore.encode() makes it
    cache: BaseCache | None  # the sessions cache, data as a dict for its JSON serializer

    @property
    def model(self):
        return import_module(SESSION_ENGINES["db"]).SessionStore.get_model_class()

    def cache_key(self, key_digest: str) -> str:
        """The entry's name, as the engine's own store names it."""
        return self.cache.make_key(store_class(self.engine).stored_cache_key(key_digest))


def store_for(engine: str) -> Store:
    store = store_class(engine)
    in_redis = engine in REDIS_BACKENDS and issubclass(store, HashedCacheKeysMixin)
    return Store(
        engine, issubclass(store, HashedRowsMixin), sessions_cache(engine) if in_redis else None
    )


def sessions_cache(engine: str) -> BaseCache:
    """The configured sessions cache, or the one a server on `engine` would build."""
    if engine == settings.SESSION_BACKEND:
        return caches[settings.SESSION_CACHE_ALIAS]
    config = settings.CACHES.get(SESSIONS_CACHE_ALIAS) or redis_cache(
        settings.REDIS_URL,
        sentinels=settings.REDIS_SENTINELS,
        cluster_nodes=settings.REDIS_CLUSTER_NODES,
    )
    params = {key: value for key, value in config.items() if key not in ("BACKEND", "LOCATION")}
    return RedisCache(config["LOCATION"], params)


@dataclass
class Synthetic:
    """One session as it will be stored: its register row and its session data."""

    record: SessionRecord
    data: dict


class Factory:
    """Builds synthetic sessions; the seed fixes everything but keys and public ids."""

    def __init__(self, engine: str, rng: random.Random, users: list[tuple[int, str]], products):
        """`users`: (id, session auth hash) of the users to sign sessions in as."""
        self.engine = engine
        self.rng = rng
        self.users = users
        self.products = products
        self.now = timezone.now()
        self.age = timedelta(seconds=settings.SESSION_COOKIE_AGE)
        self.auth_backend = settings.AUTHENTICATION_BACKENDS[-1]  # the first only counts failures
        self.ip_pool = self.addresses(IP_POOL_SIZE)

    def build(self) -> Synthetic:
        rng = self.rng
        last_seen = self.now - LAST_SEEN_SPREAD * rng.random()
        signed_in = self.users and rng.random() < SIGNED_IN_SHARE
        user_id, auth_hash = rng.choice(self.users) if signed_in else (None, "")
        cart = self.cart() if rng.random() < CART_SHARE else {}
        public_id = SYNTHETIC + secrets.token_urlsafe(12)[:14]
        server_side = store_class(self.engine).server_side
        record = SessionRecord(
            public_id=public_id,
            user_id=user_id,
            engine=self.engine,
            key_digest=digest(session_key_of(public_id)) if server_side else "",
            ip_address=rng.choice(self.ip_pool),
            user_agent=rng.choice(USER_AGENTS),
            created_at=last_seen - AGE_BEFORE_LAST_SEEN * rng.random(),
            last_seen=last_seen,
            expires_at=last_seen + self.age,
        )
        data: dict = {}
        if user_id is not None:
            data |= {
                SESSION_KEY: str(user_id),
                BACKEND_SESSION_KEY: self.auth_backend,
                HASH_SESSION_KEY: auth_hash,
            }
        entries = session_cart.parse_entries(cart)
        session_cart.write(data, entries)
        # The register's own view of the session, so its fingerprint matches and the first
        # real request on it only touches the row when it is due.
        cart_summary = session_cart.summary(data)
        state = {
            "engine": record.engine,
            "user_id": data.get(SESSION_KEY),
            "cart_lines": cart_summary.lines,
            "cart_value": cart_summary.value,
            "key_digest": record.key_digest,
            "checkout_step": "",
        }
        record.cart_lines, record.cart_value = state["cart_lines"], state["cart_value"]
        written_at = int(last_seen.timestamp())
        entry = rows.Entry(record.public_id, written_at, rows.fingerprint(state))
        rows.write_entry(data, entry)
        return Synthetic(record, data)

    def cart(self) -> dict:
        lines = self.rng.sample(self.products, k=min(len(self.products), self.rng.randint(1, 5)))
        return {str(pk): [self.rng.randint(1, 3), str(price)] for pk, price in lines}

    def addresses(self, count: int) -> list[str]:
        """A pool of visitors' addresses; sessions share them, as people behind one router do."""
        pool = []
        for _ in range(count):
            network = SYNTHETIC_IPV6 if self.rng.random() < IPV6_SHARE else SYNTHETIC_IPV4
            pool.append(str(network[self.rng.randrange(1, min(network.num_addresses, 2**32) - 1)]))
        return pool


def session_key_of(public_id: str) -> str:
    """A synthetic session's key: 32 characters like Django's, known only with SECRET_KEY."""
    return salted_hmac("synthetic-session-key", public_id).hexdigest()[:32]


def write_batch(store: Store, sessions: list[Synthetic]) -> None:
    """One transaction per batch; the Redis pipeline runs inside it, so a Redis error
    leaves no register rows behind for the batch."""
    with transaction.atomic():
        if store.uses_db:
            encoder = import_module(SESSION_ENGINES["db"]).SessionStore()
            store.model.objects.bulk_create(
                [
                    store.model(
                        session_key=s.record.key_digest,
                        session_data=encoder.encode(s.data),
                        expire_date=s.record.expires_at,
                    )
                    for s in sessions
                ]
            )
        SessionRecord.objects.bulk_create([s.record for s in sessions])
        if store.cache is not None:
            write_to_cache(store, sessions)
        if store.engine == "file":  # this instance's disk, as the file engine writes it
            for s in sessions:
                on_disk = store_class("file")
                on_disk.write_stored(s.record.key_digest, s.data, s.record.expires_at.timestamp())


def write_to_cache(store: Store, sessions: list[Synthetic]) -> None:
    """SET key value EX ttl per session, as django-redis would, in one pipelined round trip."""
    cache = store.cache
    pipeline = cache.client.get_client(write=True).pipeline(transaction=False)
    now = time.time()
    for s in sessions:
        ttl = max(1, int(s.record.expires_at.timestamp() - now))
        key = store.cache_key(s.record.key_digest)
        pipeline.set(key, cache.client.encode(s.data), ex=ttl)
    pipeline.execute()


def parse_count(name: str, value, minimum: int) -> int:
    try:
        number = int(str(value).replace("_", "").replace(",", ""))
    except ValueError:
        raise CommandError(f"{name} must be a whole number, not {value!r}.") from None
    if number < minimum:
        raise CommandError(f"{name} must be at least {minimum:,}, not {number:,}.")
    return number


class Command(BaseCommand):
    help = (
        "Creates N synthetic active sessions (store data plus register rows) for load tests; "
        "--clear removes the synthetic ones and nothing else."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", help="how many sessions to create")
        parser.add_argument(
            "--engine",
            help=f"one of {', '.join(SESSION_BACKENDS)} (default: SESSION_BACKEND)",
        )
        parser.add_argument("--batch", default=5000, help="rows per transaction (default 5000)")
        parser.add_argument(
            "--users", help="synthetic users to sign sessions in as (default: count / 10)"
        )
        parser.add_argument("--seed", help="makes the data reproducible (keys stay random)")
        parser.add_argument(
            "--clear", action="store_true", help="first remove all synthetic sessions and users"
        )

    def handle(self, **options):
        engine = options["engine"] or settings.SESSION_BACKEND
        if engine not in SESSION_BACKENDS:
            valid = ", ".join(SESSION_BACKENDS)
            raise CommandError(f"Unknown engine {engine!r}; use one of {valid}.")
        if engine == "memory" and options["count"] is not None:
            raise CommandError(
                "Sessions on the memory engine live in the memory of the process serving "
                "them; a command runs in a process of its own and cannot make them there."
            )
        if options["count"] is None and not options["clear"]:
            raise CommandError("Give --count N (sessions to create), or --clear.")
        batch = parse_count("--batch", options["batch"], 1)
        if options["clear"]:
            removed = clear(batch)
            if options["verbosity"] >= 1:
                self.stdout.write(f"Removed {removed:,} synthetic sessions.")
        if options["count"] is None:
            return
        count = parse_count("--count", options["count"], 1)
        users = options["users"]
        users = max(1, count // 10) if users is None else parse_count("--users", users, 0)
        seed = options["seed"]
        rng = random.Random(parse_count("--seed", seed, 0) if seed is not None else None)

        started = time.monotonic()
        factory = Factory(engine, rng, synthetic_users(users, batch), products())
        store = store_for(engine)
        quiet = options["verbosity"] < 1
        # tqdm writes "\r" itself; Django's OutputWrapper would end each write with a newline.
        with tqdm(total=count, unit=" sessions", file=self.stdout._out, disable=quiet) as bar:
            done = 0
            while done < count:
                size = min(batch, count - done)
                write_batch(store, [factory.build() for _ in range(size)])
                done += size
                bar.update(size)
        if options["verbosity"] >= 1:
            elapsed = time.monotonic() - started
            self.stdout.write(
                f"Created {count:,} synthetic sessions on {engine} "
                f"({users:,} synthetic users) in {elapsed:,.1f} s."
            )


def products() -> list[tuple[int, Decimal]]:
    found = list(Product.objects.active().order_by("pk").values_list("pk", "price")[:200])
    return found or list(STAND_IN_PRODUCTS)


def synthetic_users(count: int, batch: int) -> list[tuple[int, str]]:
    """(id, session auth hash) of synthetic-000001 … synthetic-<count>, creating the missing
    ones with one shared unusable password: one hash to compute, not a hundred thousand."""
    names = [f"{SYNTHETIC}{n:06d}" for n in range(1, count + 1)]
    synthetic = get_user_model().objects.filter(username__startswith=SYNTHETIC)
    existing = set(synthetic.values_list("username", flat=True))
    password = make_password(None)
    get_user_model().objects.bulk_create(
        [
            get_user_model()(username=name, email=f"{name}@example.invalid", password=password)
            for name in names
            if name not in existing
        ],
        batch_size=batch,
    )
    hashes: dict[str, str] = {}  # users left from an earlier run have that run's password
    users = {}
    for name, pk, password in synthetic.values_list("username", "pk", "password"):
        if password not in hashes:
            hashes[password] = get_user_model()(password=password).get_session_auth_hash()
        users[name] = (pk, hashes[password])
    return [users[name] for name in names]


def clear(batch: int) -> int:
    """Remove synthetic sessions (register rows and store data) and synthetic users."""
    records = SessionRecord.objects.filter(public_id__startswith=SYNTHETIC).order_by("pk")
    columns = records.values_list("pk", "engine", "key_digest")
    stores = {engine: store_for(engine) for engine in SESSION_BACKENDS}
    model = stores["db"].model
    removed, last_pk = 0, 0
    while chunk := list(columns.filter(pk__gt=last_pk)[:batch]):
        last_pk = chunk[-1][0]
        for engine, store in stores.items():
            digests = [key for _, e, key in chunk if e == engine and key]
            if digests and store.cache is not None:
                names = [store_class(engine).stored_cache_key(key) for key in digests]
                store.cache.delete_many(names)
            if digests and store.uses_db:
                model.objects.filter(session_key__in=digests).delete()
            for key in digests if engine == "file" else ():
                store_class(engine).delete_stored(key)
        removed += SessionRecord.objects.filter(pk__in=[pk for pk, _, _ in chunk]).delete()[0]
    users = get_user_model().objects.filter(username__startswith=SYNTHETIC).order_by("pk")
    while pks := list(users.values_list("pk", flat=True)[:batch]):
        get_user_model().objects.filter(pk__in=pks).delete()
    return removed

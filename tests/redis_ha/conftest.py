from collections.abc import Iterator

import pytest
from django_redis.pool import ConnectionFactory

from tests.redis_ha.fleet import SERVICE, Cluster, SentinelFleet, require_redis_server
from tests.register.helpers import fast_password_hashing  # noqa: F401  an autouse fixture


@pytest.fixture(scope="package")
def sentinel_fleet(tmp_path_factory) -> Iterator[SentinelFleet]:
    """One fleet for the in-process tests: django-redis keeps one pool per REDIS_URL per
    process, and the pool keeps the sentinels it was made with."""
    require_redis_server()
    fleet = SentinelFleet(tmp_path_factory.mktemp("sentinel"))
    try:
        fleet.start()
        forget_sentinel_pools()
        yield fleet
    finally:
        fleet.stop()


def forget_sentinel_pools() -> None:
    """django-redis keeps a pool per REDIS_URL for the life of the process, and a Sentinel
    pool keeps the sentinels it was made with: when pytest starts this fleet again (it does
    for transactional tests, which pytest-django runs last), the old pool would ask the old,
    stopped sentinels."""
    for url in [url for url in ConnectionFactory._pools if f"//{SERVICE}/" in url]:
        del ConnectionFactory._pools[url]


@pytest.fixture(scope="package")
def cluster(tmp_path_factory) -> Iterator[Cluster]:
    require_redis_server()
    cluster = Cluster(tmp_path_factory.mktemp("cluster"))
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()

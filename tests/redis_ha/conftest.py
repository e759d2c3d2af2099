from collections.abc import Iterator

import pytest

from tests.redis_ha.fleet import Cluster, SentinelFleet, require_redis_server
from tests.register.helpers import fast_password_hashing  # noqa: F401  an autouse fixture


@pytest.fixture(scope="package")
def sentinel_fleet(tmp_path_factory) -> Iterator[SentinelFleet]:
    """One fleet for the in-process tests: django-redis keeps one pool per REDIS_URL per
    process, and the pool keeps the sentinels it was made with."""
    require_redis_server()
    fleet = SentinelFleet(tmp_path_factory.mktemp("sentinel"))
    try:
        fleet.start()
        yield fleet
    finally:
        fleet.stop()


@pytest.fixture(scope="package")
def cluster(tmp_path_factory) -> Iterator[Cluster]:
    require_redis_server()
    cluster = Cluster(tmp_path_factory.mktemp("cluster"))
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()

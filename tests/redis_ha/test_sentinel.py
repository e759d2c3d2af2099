"""Sessions through Redis Sentinel (REDIS_SENTINELS, REDIS_URL=redis://shop/0), in-process,
on both Redis engines: the flows, and a failover the app follows by itself."""

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django_redis import get_redis_connection
from redis.sentinel import SentinelConnectionPool

from shop.sessions.config import REDIS_BACKENDS, session_settings
from tests.cart.helpers import add, cart_of
from tests.redis_ha import flows
from tests.redis_ha.fleet import SERVICE, SentinelFleet, wait_for
from tests.register.helpers import make_user, sign_in

URL = f"redis://{SERVICE}/0"


@pytest.fixture(params=REDIS_BACKENDS)
def engine(request, sentinel_fleet: SentinelFleet) -> Iterator[str]:
    sentinels = sentinel_fleet.sentinel_addresses
    with override_settings(**session_settings(request.param, URL, "ha", sentinels=sentinels)):
        yield request.param


@pytest.mark.django_db
@pytest.mark.parametrize("flow", flows.EVERY_FLOW, ids=lambda flow: flow.__name__)
def test_every_flow_works_through_sentinel(engine, make_product, flow):
    flow(make_product)


@pytest.mark.django_db(transaction=True)
def test_concurrent_changes_on_one_session_all_count(engine, make_product):
    flows.concurrent_adds_all_count(make_product)


@pytest.mark.django_db
def test_healthz_pings_the_primary(engine):
    flows.healthz_is_ok()


@pytest.mark.django_db
def test_reads_and_writes_go_to_the_primary(engine, sentinel_fleet):
    """One pool, on the primary the sentinels name: no read ever waits on a replica. It
    fails fast, and so do its questions to the sentinels."""
    pool = get_redis_connection(settings.SESSION_CACHE_ALIAS).connection_pool
    assert isinstance(pool, SentinelConnectionPool) and pool.is_master
    assert {pool.get_master_address()[1]} == sentinel_fleet.primary_ports()
    assert get_redis_connection(settings.SESSION_CACHE_ALIAS, write=False).connection_pool is pool
    sentinel = pool.sentinel_manager.sentinels[0].connection_pool
    for kwargs in (pool.connection_kwargs, sentinel.connection_kwargs):
        assert (kwargs["socket_timeout"], kwargs["socket_connect_timeout"]) == (0.5, 0.5)


@pytest.mark.slow  # the sentinels demote the old primary ~10 s after the switch
@pytest.mark.django_db
def test_after_a_failover_the_app_works_on_the_new_primary(engine, sentinel_fleet, make_product):
    """SENTINEL FAILOVER demotes the old primary, which stays up as a replica: the pooled
    connections to it are closed by the sentinels or refused with READONLY, and redis-py's
    SentinelManagedConnection asks the sentinels again."""
    tea = make_product()
    make_user()
    client = Client()
    add(client, tea, "1")
    assert sign_in(client).status_code == 302
    old_port = sentinel_fleet.primary_ports().pop()
    old_primary = sentinel_fleet.process_on(old_port)
    # Replicated first: this test is about reconnecting, not about what a switchover loses.
    wait_for("the replica has the session", lambda: old_primary.client().wait(1, 1000) == 1)
    sentinel_fleet.sentinels[0].client().sentinel_failover(SERVICE)
    sentinel_fleet.wait_for_failover(old_port)
    wait_for("the old primary is a replica", lambda: demoted(old_primary))

    assert add(client, tea, "2").status_code == 302
    assert cart_of(client) == {tea.id: 3}
    assert flows.is_signed_in(client)
    pool = get_redis_connection(settings.SESSION_CACHE_ALIAS).connection_pool
    assert pool.master_address[1] != old_port
    flows.healthz_is_ok()


def demoted(process) -> bool:
    return process.info("replication")["role"] == "slave"

"""Sessions on a Redis Cluster of three primaries (REDIS_CLUSTER_NODES), in-process, on both
Redis engines: every flow, concurrent changes, /healthz, and the sessions spread over the
primaries. A session's entry and its lock share a hash tag, so one slot."""

import os
from collections.abc import Iterator
from importlib import import_module

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client, override_settings
from django_redis import get_redis_connection

from shop.sessions.cache import LOCK_AND_READ, WRITE_AND_UNLOCK, run_script
from shop.sessions.config import REDIS_BACKENDS, session_settings
from tests.cart.helpers import add
from tests.redis_ha import flows
from tests.redis_ha.fleet import Cluster, wait_for
from tests.services import scratch_database
from tools.servers import gunicorn_server, manage
from tools.shoppers import Shopper, make_accounts, product_pages

PREFIX = "ha"
SESSIONS = 50


@pytest.fixture(params=REDIS_BACKENDS)
def engine(request, cluster: Cluster) -> Iterator[str]:
    nodes = cluster.node_addresses
    with override_settings(**session_settings(request.param, "", PREFIX, cluster_nodes=nodes)):
        yield request.param


@pytest.mark.django_db
@pytest.mark.parametrize("flow", flows.EVERY_FLOW, ids=lambda flow: flow.__name__)
def test_every_flow_works_on_a_cluster(engine, make_product, flow):
    flow(make_product)


@pytest.mark.django_db(transaction=True)
def test_concurrent_changes_on_one_session_all_count(engine, make_product):
    flows.concurrent_adds_all_count(make_product)


@pytest.mark.django_db
def test_healthz_is_ok(engine):
    flows.healthz_is_ok()


@pytest.mark.django_db
def test_sessions_spread_over_every_primary(engine, cluster, make_product):
    product = make_product()
    for _ in range(SESSIONS):
        assert add(Client(), product, "1").status_code == 302
    per_node = cluster.keys_per_node(f"{PREFIX}:*session*")
    assert sum(per_node) >= SESSIONS
    assert all(count >= SESSIONS // 10 for count in per_node), per_node


@pytest.mark.django_db
def test_the_cache_calls_the_shop_makes_work_across_slots(engine, cluster):
    """get, set, add (SET NX), has_key and delete on keys of every primary; delete_many (the
    stale copies of redis_db, migration 0005) over them all; the scripts on one slot."""
    cache = caches[settings.SESSION_CACHE_ALIAS]
    names = [f"session:{{{n:040x}}}" for n in range(30)]
    for name in names:
        assert cache.add(name, {"n": name}, 60)
        assert not cache.add(name, {"n": "again"}, 60)
        assert cache.get(name) == {"n": name} and cache.has_key(name)
    assert all(count > 0 for count in cluster.keys_per_node(f"{PREFIX}:*")), "keys on every node"
    cache.delete(names.pop())
    cache.delete_many(names)
    assert not any(cache.has_key(name) for name in names)
    entry = cache.make_key(names[0])
    assert run_script(LOCK_AND_READ, [entry, entry + ":lock"], ["token", 5000]) == [1, None]
    assert run_script(WRITE_AND_UNLOCK, [entry, entry + ":lock"], ["token", "{}", 60]) == 0


@pytest.mark.django_db
def test_migration_0005_deletes_old_copies_across_slots(cluster):
    settings_on = session_settings("redis_db", "", PREFIX, cluster_nodes=cluster.node_addresses)
    migration = import_module("accounts.migrations.0005_keys_at_rest_and_session_ends")
    keys = [f"{n:032x}" for n in range(30)]
    with override_settings(**settings_on):
        cache = caches["sessions"]
        for key in keys:
            cache.set(migration.LEGACY_CACHED_DB_PREFIX + key, {}, 60)
        migration.forget_cached_copies(keys)
        assert not any(cache.has_key(migration.LEGACY_CACHED_DB_PREFIX + key) for key in keys)


@pytest.mark.django_db(transaction=True)
def test_create_sessions_writes_its_pipeline_to_every_primary(engine, cluster):
    pattern = f"{PREFIX}:*session*"
    before = cluster.keys_per_node(pattern)
    call_command("create_sessions", count=SESSIONS, verbosity=0)
    after = cluster.keys_per_node(pattern)
    assert sum(after) - sum(before) == SESSIONS
    assert all(now > then for now, then in zip(after, before, strict=True)), (before, after)
    call_command("create_sessions", clear=True, verbosity=0)
    assert cluster.keys_per_node(pattern) == before


@pytest.mark.django_db
def test_raw_connection_is_the_cluster(engine):
    """What shop.sessions.cache runs its scripts and pings on, failing fast on every node."""
    client = get_redis_connection(settings.SESSION_CACHE_ALIAS)
    assert type(client).__name__ == "RedisCluster"
    assert client.ping()
    for node in client.get_nodes():
        timeouts = node.redis_connection.connection_pool.connection_kwargs
        assert (timeouts["socket_timeout"], timeouts["socket_connect_timeout"]) == (0.5, 0.5)


@pytest.mark.django_db
@pytest.mark.parametrize("backend, add_status", [("redis", 503), ("redis_db", 302)])
def test_a_cluster_with_no_node_left_is_an_outage_not_a_500(
    tmp_path, make_product, backend, add_status
):
    """redis-py raises RedisClusterException, no RedisError, when no node answers."""
    product = make_product()
    lost = Cluster(tmp_path)
    try:
        lost.start()
        nodes = lost.node_addresses
        with override_settings(**session_settings(backend, "", PREFIX, cluster_nodes=nodes)):
            client = Client()
            assert add(client, product, "1").status_code == 302
            lost.stop()
            assert client.get("/").status_code == 200
            assert client.get("/cart/").status_code == 200
            assert add(client, product, "1").status_code == add_status
    finally:
        lost.stop()


@pytest.mark.parametrize("backend", REDIS_BACKENDS)
def test_gunicorn_serves_signed_in_shoppers_from_the_cluster(backend, cluster, tmp_path):
    """REDIS_CLUSTER_NODES read by settings.py: a shopper signs in, fills a cart, signs out."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SESSION_"))}
    env |= {"SESSION_BACKEND": backend, "REDIS_CLUSTER_NODES": cluster.node_addresses}
    with scratch_database(f"cluster_{backend}") as database_url:
        env["DATABASE_URL"] = database_url
        manage(env, "migrate", "--noinput")
        manage(env, "seed_catalog")
        [account] = make_accounts(env, 1)
        with gunicorn_server(env, tmp_path / "gunicorn.log", workers=2) as server:
            shopper = Shopper(server.url)
            assert shopper.sign_in(account).status == 302
            page = shopper.get(product_pages(server.url)[0])
            product_id, added = shopper.add_from(page)
            assert added.status == 302
            assert shopper.cart() == {product_id: 1}
            assert shopper.signed_in()
            assert shopper.get("/healthz").status == 200
            assert shopper.post_form("/cart/", "/accounts/logout/", {}).status == 302
            assert not shopper.signed_in()


@pytest.mark.django_db
@pytest.mark.parametrize("backend, status", [("redis", "down"), ("redis_db", "degraded")])
def test_healthz_reports_a_cluster_that_lost_a_primary(tmp_path, backend, status):
    """The other primaries still answer PING, but refuse every key (CLUSTERDOWN)."""
    crippled = Cluster(tmp_path)
    try:
        crippled.start()
        nodes = crippled.node_addresses
        with override_settings(**session_settings(backend, "", PREFIX, cluster_nodes=nodes)):
            flows.healthz_is_ok()
            crippled.nodes[1].kill()
            wait_for("the cluster fails", lambda: cluster_failed(crippled))
            response = Client().get("/healthz")
            assert (response.status_code, response.json()["status"]) == (503, status)
    finally:
        crippled.stop()


def cluster_failed(cluster: Cluster) -> bool:
    survivors = (cluster.nodes[0], cluster.nodes[2])
    return all(node.client().cluster("INFO")["cluster_state"] == "fail" for node in survivors)

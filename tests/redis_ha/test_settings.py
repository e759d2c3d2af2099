"""REDIS_SENTINELS and REDIS_CLUSTER_NODES as settings: parsed by session_settings(), a pure
function, into django-redis OPTIONS; a bad value stops start-up with a clear message."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django_redis.pool import SentinelConnectionFactory, get_connection_factory

from shop.sessions.config import SESSION_BACKENDS, session_settings
from shop.sessions.redis_cluster import ClusterConnectionFactory
from tests.engines.test_settings_from_environment import start

SERVICE_URL = "redis://shop/0"
SENTINELS = "10.0.0.1:26379, 10.0.0.2:26379,sentinel-3.internal:26380"
NODES = "10.0.1.1:7000,10.0.1.2:7000,[fd00::3]:7000"


def sessions_cache(backend="redis", url=SERVICE_URL, **nodes) -> dict:
    return session_settings(backend, url, "p", **nodes)["CACHES"]["sessions"]


@pytest.mark.parametrize("backend", ["redis", "redis_db"])
def test_sentinels_keep_django_redis_default_client_on_the_primary(backend):
    cache = sessions_cache(backend, sentinels=SENTINELS)
    assert cache["LOCATION"] == SERVICE_URL
    assert "CLIENT_CLASS" not in cache["OPTIONS"], "not SentinelClient, which reads replicas"
    assert cache["OPTIONS"]["CONNECTION_FACTORY"] == "django_redis.pool.SentinelConnectionFactory"
    assert cache["OPTIONS"]["SENTINELS"] == [
        ("10.0.0.1", 26379),
        ("10.0.0.2", 26379),
        ("sentinel-3.internal", 26380),
    ]


@pytest.mark.parametrize("backend", ["redis", "redis_db"])
def test_cluster_nodes_replace_redis_url(backend):
    cache = sessions_cache(backend, url="redis://ignored:6379/0", cluster_nodes=NODES)
    factory = "shop.sessions.redis_cluster.ClusterConnectionFactory"
    assert cache["OPTIONS"]["CONNECTION_FACTORY"] == factory
    assert cache["OPTIONS"]["CLUSTER_NODES"] == [
        ("10.0.1.1", 7000),
        ("10.0.1.2", 7000),
        ("fd00::3", 7000),
    ]
    assert cache["LOCATION"] == "redis://10.0.1.1:7000/0"
    ipv6_first = sessions_cache(backend, cluster_nodes="[fd00::3]:7000")
    assert ipv6_first["LOCATION"] == "redis://[fd00::3]:7000/0"


@pytest.mark.parametrize("nodes", [{"sentinels": SENTINELS}, {"cluster_nodes": NODES}, {}])
def test_every_topology_fails_fast(nodes):
    options = sessions_cache(**nodes)["OPTIONS"]
    assert (options["SOCKET_CONNECT_TIMEOUT"], options["SOCKET_TIMEOUT"]) == (0.5, 0.5)
    assert options["SERIALIZER"] == "django_redis.serializers.json.JSONSerializer"


def test_one_redis_needs_no_factory():
    assert "CONNECTION_FACTORY" not in sessions_cache()["OPTIONS"]


def test_django_redis_builds_the_factories_the_options_name():
    """Without connecting: django-redis reads the OPTIONS as written."""
    for nodes, factory in [
        ({"sentinels": SENTINELS}, SentinelConnectionFactory),
        ({"cluster_nodes": NODES}, ClusterConnectionFactory),
    ]:
        assert isinstance(get_connection_factory(sessions_cache(**nodes)["OPTIONS"]), factory)


@pytest.mark.parametrize(
    "value",
    ["10.0.0.1", "10.0.0.1:", "host:port", "h:0", "h:65536", "h:1:2", "redis://h:1", "::1:7000"],
)
@pytest.mark.parametrize(
    "name, argument", [("REDIS_SENTINELS", "sentinels"), ("REDIS_CLUSTER_NODES", "cluster_nodes")]
)
def test_a_bad_address_is_named_with_an_example(value, name, argument):
    with pytest.raises(ImproperlyConfigured) as error:
        sessions_cache(**{argument: f"10.0.0.9:26379,{value}"})
    message = str(error.value)
    assert message.startswith(f"{name} must be host:port pairs separated by commas")
    assert repr(value) in message


@pytest.mark.parametrize("backend", SESSION_BACKENDS)
def test_sentinels_and_cluster_together_are_refused_on_any_engine(backend):
    with pytest.raises(
        ImproperlyConfigured, match="REDIS_SENTINELS or REDIS_CLUSTER_NODES, not both"
    ):
        session_settings(backend, SERVICE_URL, sentinels=SENTINELS, cluster_nodes=NODES)


@pytest.mark.parametrize("url", ["redis:///0", "unix:///run/redis.sock", "redis://a,redis://b"])
def test_sentinels_need_a_service_name_in_redis_url(url):
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL's host names the monitored service"):
        sessions_cache(url=url, sentinels=SENTINELS)


@pytest.mark.parametrize("blank", ["", " ", ",", " , "])
def test_blank_means_unset(blank):
    assert sessions_cache(sentinels=blank, cluster_nodes=blank) == sessions_cache()


def test_settings_read_both_variables_from_the_environment():
    """One fresh interpreter: settings.py passes the variables to session_settings()."""
    result = start(SESSION_BACKEND="redis", REDIS_SENTINELS=SENTINELS, REDIS_CLUSTER_NODES=NODES)
    assert result.returncode != 0
    assert "ImproperlyConfigured: Set REDIS_SENTINELS or REDIS_CLUSTER_NODES" in result.stderr

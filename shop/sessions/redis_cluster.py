"""Redis Cluster under django-redis, which has no cluster client of its own (version 7):
the cache's OPTIONS name this factory (CONNECTION_FACTORY) and the start-up nodes
(CLUSTER_NODES); shop.sessions.config.redis_cache writes both."""

import threading
from typing import Any

from django_redis.pool import ConnectionFactory
from redis.cluster import ClusterNode, RedisCluster


class ClusterConnectionFactory(ConnectionFactory):
    """Hands every cache client of this process the same RedisCluster: it is thread-safe,
    keeps a pool per node and learns the slot map once, where one per thread would not."""

    clusters: dict[tuple[tuple[str, int], ...], RedisCluster] = {}
    creating = threading.Lock()

    def connect(self, url: str) -> RedisCluster:
        nodes = tuple(self.options["CLUSTER_NODES"])
        with self.creating:
            if nodes not in self.clusters:
                self.clusters[nodes] = RedisCluster(
                    startup_nodes=[ClusterNode(host, port) for host, port in nodes],
                    **self.node_options(url),
                )
        return self.clusters[nodes]

    def node_options(self, url: str) -> dict[str, Any]:
        """The fail-fast socket timeouts (and any USERNAME, PASSWORD) for every node; the
        cluster starts from its nodes, not from LOCATION."""
        options = self.make_connection_params(url)
        del options["url"]
        return options

    def disconnect(self, connection: RedisCluster) -> None:
        connection.disconnect_connection_pools()

"""Private Redis processes for the high-availability tests, on free ports of 127.0.0.1 (the
shared Redis is never touched): a primary with a replica and three sentinels, or a Redis
Cluster of three primaries. Each process is stopped by its own PID."""

import random
import shutil
import signal
import socket
import subprocess
from collections.abc import Callable
from pathlib import Path

import redis

from tests.services import unavailable
from tools.servers import free_port
from tools.waiting import PATIENCE_SECONDS, eventually

REDIS_SERVER = shutil.which("redis-server")
REDIS_CLI = shutil.which("redis-cli")
SERVICE = "shop"  # the name the sentinels monitor: REDIS_URL=redis://shop/0
# Deadlines, not expectations: on a quiet machine each takes a fraction of its bound.
START_SECONDS = 30
READY_SECONDS = 60  # sentinels find each other by hello messages every 2 s
FAILOVER_SECONDS = 60  # a failed election waits 2 × failover-timeout before the next one


def cluster_port() -> int:
    """A free port whose cluster bus port (10,000 higher, at most 65,535) is free too; below
    the kernel's range for outgoing connections, so no client takes it meanwhile."""
    while True:
        port = random.randrange(20_000, 30_000)
        if bindable(port) and bindable(port + 10_000):
            return port


def bindable(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def require_redis_server() -> None:
    if REDIS_SERVER is None or REDIS_CLI is None:
        unavailable(
            "redis-server is not installed; install it with: sudo apt-get install redis-server"
        )


def wait_for(what: str, check: Callable[[], bool], seconds: float = PATIENCE_SECONDS) -> float:
    """`eventually`, where a Redis that does not answer yet means "not yet"."""
    return eventually(what, check, seconds, ignoring=(redis.RedisError,))


class RedisProcess:
    """One redis-server (a sentinel too) in its own directory; `arguments` follow the config
    file, which a sentinel needs to be writable."""

    def __init__(
        self, directory: Path, config: str = "", *arguments: str, port: int | None = None
    ) -> None:
        self.port = port or free_port()
        self.directory = directory / str(self.port)
        self.directory.mkdir(parents=True)
        self.config = self.directory / "redis.conf"
        self.config.write_text(f"port {self.port}\nbind 127.0.0.1\ndir {self.directory}\n{config}")
        self.arguments = arguments
        self.process: subprocess.Popen | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=2, socket_connect_timeout=2)

    def start(self) -> "RedisProcess":
        with (self.directory / "log").open("ab") as log:
            self.process = subprocess.Popen(
                [REDIS_SERVER, str(self.config), *self.arguments], stdout=log, stderr=log
            )
        wait_for(f"redis on {self.port} answers", self.client().ping, START_SECONDS)
        return self

    def kill(self) -> None:
        """SIGKILL, as a crash: nothing is flushed, replicated or said goodbye."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=START_SECONDS)

    def info(self, section: str) -> dict:
        return self.client().info(section)


NO_PERSISTENCE = 'save ""\nappendonly no\n'


class SentinelFleet:
    """A primary, one replica and three sentinels with a quorum of two, which fail over
    within seconds of the primary going silent."""

    def __init__(self, directory: Path, data_config: str = "") -> None:
        """`data_config`: more configuration for the primary and the replica."""
        self.primary = RedisProcess(directory, NO_PERSISTENCE + data_config)
        self.replica = RedisProcess(
            directory,
            NO_PERSISTENCE + data_config + f"replicaof 127.0.0.1 {self.primary.port}\n",
        )
        monitor = (
            f"sentinel monitor {SERVICE} 127.0.0.1 {self.primary.port} 2\n"
            f"sentinel down-after-milliseconds {SERVICE} 1000\n"
            f"sentinel failover-timeout {SERVICE} 5000\n"
        )
        self.sentinels = [RedisProcess(directory, monitor, "--sentinel") for _ in range(3)]
        self.all = [self.primary, self.replica, *self.sentinels]

    @property
    def sentinel_addresses(self) -> str:
        """REDIS_SENTINELS."""
        return ",".join(sentinel.address for sentinel in self.sentinels)

    def start(self) -> None:
        for process in self.all:
            process.start()
        wait_for("the replica is in sync", self.replica_in_sync, READY_SECONDS)
        wait_for("the sentinels can fail over", self.can_fail_over, READY_SECONDS)

    def replica_in_sync(self) -> bool:
        return self.replica.info("replication")["master_link_status"] == "up"

    def can_fail_over(self) -> bool:
        """Every sentinel sees the replica and the two other sentinels."""
        for sentinel in self.sentinels:
            client = sentinel.client()
            if len(client.sentinel_sentinels(SERVICE)) < 2 or not client.sentinel_slaves(SERVICE):
                return False
        return True

    def primary_ports(self) -> set[int]:
        """The primary's port as each sentinel answers it (one port when they agree)."""
        ports = set()
        for sentinel in self.sentinels:
            _, port = sentinel.client().sentinel_get_master_addr_by_name(SERVICE)
            ports.add(int(port))
        return ports

    def failed_over(self, old_port: int) -> bool:
        """Every sentinel names a new primary, and that primary takes writes."""
        ports = self.primary_ports()
        if len(ports) != 1 or old_port in ports:
            return False
        return (
            redis.Redis(port=ports.pop(), socket_timeout=2).info("replication")["role"] == "master"
        )

    def wait_for_failover(self, old_port: int) -> float:
        """Seconds until the sentinels have failed over from the primary on `old_port`."""
        return wait_for(
            "the sentinels fail over", lambda: self.failed_over(old_port), FAILOVER_SECONDS
        )

    def process_on(self, port: int) -> RedisProcess:
        return next(process for process in self.all if process.port == port)

    def stop(self) -> None:
        for process in self.all:
            process.kill()


class Cluster:
    """Three primaries, no replicas: the 16,384 slots split in three."""

    def __init__(self, directory: Path) -> None:
        self.nodes = [self.node(directory, cluster_port()) for _ in range(3)]

    @staticmethod
    def node(directory: Path, port: int) -> RedisProcess:
        cluster = "cluster-enabled yes\ncluster-node-timeout 2000\n"
        cluster += f"cluster-config-file nodes-{port}.conf\n"  # in its directory
        return RedisProcess(directory, NO_PERSISTENCE + cluster, port=port)

    @property
    def node_addresses(self) -> str:
        """REDIS_CLUSTER_NODES."""
        return ",".join(node.address for node in self.nodes)

    def start(self) -> None:
        for node in self.nodes:
            node.start()
        command = [REDIS_CLI, "--cluster", "create", *(node.address for node in self.nodes)]
        command += ["--cluster-replicas", "0", "--cluster-yes"]
        subprocess.run(command, check=True, capture_output=True, timeout=START_SECONDS * 3)
        wait_for("the cluster is up", self.ok_everywhere, READY_SECONDS)

    def ok_everywhere(self) -> bool:
        return all(node.client().cluster("INFO")["cluster_state"] == "ok" for node in self.nodes)

    def keys_per_node(self, pattern: str) -> list[int]:
        return [sum(1 for _ in node.client().scan_iter(pattern)) for node in self.nodes]

    def stop(self) -> None:
        for node in self.nodes:
            node.kill()

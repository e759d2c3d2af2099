"""Where sessions live decides how nginx must route, measured with bench/routing.py's own
events on real fleets (gunicorn instances behind nginx), with few instances and shoppers:
`memory` and `file` lose the sessions of every shopper who reaches another instance, and
sticky routing keeps them exactly as long as their instance (and its disk) lives; the way
out, a rolling restart onto a shared engine, loses nobody.

The engines every instance reads (cookie, db, redis, redis_db) lose nothing under
round-robin rolling restarts and crashes (test_rolling_restart.py); under sticky routing,
the way out below restarts onto `redis`. bench/routing.py measures every engine and event."""

import pytest

from bench.routing import (
    ADDED,
    KILL,
    LOST_DISK,
    RESTART,
    SESSION_KEY,
    STEADY,
    Outcome,
    move_out,
    run_event,
    running_fleet,
)
from deploy.fleet import ROUTE_COOKIE
from tests.services import require_redis
from tools.shoppers import Shopper, make_accounts

pytestmark = pytest.mark.slow
INSTANCES = 2
WORKERS = 1  # a process per instance on every engine: a fleet starts in half the time
SHOPPERS = 4  # per event
AFTER = 1  # adds a shopper after each event before the carts are checked


class Pool:
    """Accounts made at once (one manage.py run), handed out a group per event."""

    def __init__(self, env, count: int, prefix: str):
        self.accounts = make_accounts(env, count, prefix)

    def take(self, count: int = SHOPPERS):
        taken, self.accounts = self.accounts[:count], self.accounts[count:]
        assert len(taken) == count, "the pool ran out of accounts"
        return taken


def event(fleet, pool: Pool, name: str) -> Outcome:
    result = run_event(fleet, pool.take(), name, AFTER)
    print(f"\n{result.line()}")
    return result


@pytest.fixture(scope="class")
def memory_fleet(prepared_env, tmp_path_factory):
    folder = tmp_path_factory.mktemp("memory")
    with running_fleet(prepared_env, folder, "memory", INSTANCES, WORKERS) as fleet:
        yield fleet, Pool(fleet.env, 10 * SHOPPERS, "routing-memory")


@pytest.fixture(scope="class")
def file_fleet(prepared_env, tmp_path_factory):
    folder = tmp_path_factory.mktemp("file")
    with running_fleet(prepared_env, folder, "file", INSTANCES, WORKERS) as fleet:
        yield fleet, Pool(fleet.env, 3 * SHOPPERS, "routing-file")


class TestMemory:
    """One instance process holds each session: it needs sticky routing, and loses the
    sessions of any process that stops."""

    def test_the_first_answer_sets_the_routing_cookie_its_request_was_routed_by(self, memory_fleet):
        fleet, _ = memory_fleet
        fleet.route("sticky")
        shopper = Shopper(fleet.url)
        first = shopper.get("/")
        cookies = first.headers.get_all("Set-Cookie")
        [cookie] = [c for c in cookies if c.startswith(f"{ROUTE_COOKIE}=")]
        assert {"Secure", "HttpOnly", "SameSite=Lax", "Path=/"} <= set(cookie.split("; "))
        for _ in range(6):
            answer = shopper.get("/cart/")
            assert answer.status == 200 and ROUTE_COOKIE not in str(answer.headers)
        route = shopper.cookies[ROUTE_COOKIE]
        log = (fleet.run_dir / "nginx-access.log").read_text().splitlines()
        upstreams = {line.split(" upstream=")[1].split()[0] for line in log if route in line}
        assert len(upstreams) == 1, "the cookie-less request went elsewhere than its cookie"

    def test_round_robin_loses_sessions(self, memory_fleet):
        result = event(*memory_fleet, STEADY)
        assert result.lost, "round-robin kept every memory session"

    def test_hashing_the_session_key_loses_sessions_too(self, memory_fleet):
        # The session is made by whichever instance served the cookie-less request; its key
        # then hashes to the other instance about half of the time: with twelve shoppers,
        # nobody lost would happen a few times in ten thousand runs.
        fleet, pool = memory_fleet
        result = run_event(fleet, pool.take(12), SESSION_KEY, AFTER)
        print(f"\n{result.line()}")
        assert result.lost, "hashing the session key kept every memory session"

    def test_sticky_routing_loses_exactly_a_killed_instances_sessions(self, memory_fleet):
        result = event(*memory_fleet, KILL)
        assert result.touched, "the busiest instance had no shopper"
        assert result.lost == result.touched

    def test_sticky_routing_loses_every_session_in_a_rolling_restart(self, memory_fleet):
        result = event(*memory_fleet, RESTART)
        assert result.lost == set(result.shoppers)

    def test_an_added_instance_loses_exactly_the_sessions_it_takes(self, memory_fleet):
        fleet, pool = memory_fleet
        # Twice the shoppers: each moves with probability 1/3.
        result = run_event(fleet, pool.take(2 * SHOPPERS), ADDED, AFTER)  # one instance more
        print(f"\n{result.line()}")
        assert result.lost == result.touched

    def test_the_way_out_moves_every_session_to_redis_and_loses_none(self, memory_fleet):
        """The live fleet, now of three instances, restarted in turn with
        SESSION_BACKEND=redis SESSION_MIGRATE_FROM=memory: each memory process leaves its
        sessions on its disk as it stops, and its successor moves them to Redis. (Forgetting
        memory afterwards, and file -> db, are bench/routing.py's.)"""
        require_redis()
        fleet, pool = memory_fleet
        result = move_out(fleet, pool.take(), "redis", forget=False, after=AFTER)
        print(f"\n{result.line()}")
        assert result.lost == set() and result.signed_out == set()
        # Requests wait in the socket's queue while each memory process is replaced: only
        # one that waited past nginx's proxy_read_timeout (a very slow start) may fail.
        assert all(" 504 " in failure for failure in result.failures)


class TestFile:
    """Sessions on the instance's disk: they survive its restart, not a move elsewhere nor
    the loss of the disk."""

    def test_round_robin_loses_sessions(self, file_fleet):
        result = event(*file_fleet, STEADY)
        assert result.lost, "round-robin kept every file session"

    def test_sticky_routing_keeps_every_session_through_a_rolling_restart(self, file_fleet):
        result = event(*file_fleet, RESTART)
        assert result.lost == set() and result.failed == 0

    def test_a_lost_disk_loses_exactly_its_sessions(self, file_fleet):
        result = event(*file_fleet, LOST_DISK)
        assert result.touched, "the busiest instance had no shopper"
        assert result.lost == result.touched

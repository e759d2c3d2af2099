"""Failovers under a steady load of signed-in shoppers, with gunicorn serving the shop
through Sentinel, on both Redis engines: the primary killed, or switched over on purpose
(SENTINEL FAILOVER, as for maintenance). No page ever answers 500, and every fault
recovers by itself. What each one costs (503s, cart lines confirmed and then lost,
shoppers signed out) is printed (pytest -s), and asserted only where it is guaranteed:

    uv run pytest tests/redis_ha/test_sentinel_failover.py -s -p no:cacheprovider

A killed primary loses next to nothing: what it confirmed was already on its way to the
replica. A switchover loses carts on both engines unless the primaries refuse writes no
replica takes (min-replicas-to-write 1): the old primary stays a primary for ~10 s after
its replica is promoted, the app's pooled connections keep writing to it, and the
sentinels then demote it, which discards those writes.
"""

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from shop.sessions.config import REDIS_BACKENDS
from tests.redis_ha.fleet import SERVICE, SentinelFleet, require_redis_server, wait_for
from tests.services import scratch_database
from tools.servers import gunicorn_server, manage
from tools.shoppers import Answer, LoadReport, Shopper, make_accounts, product_pages, steady_load
from tools.waiting import eventually

pytestmark = pytest.mark.slow
SHOPPERS = 6
REFUSE_UNREPLICATED = "min-replicas-to-write 1\nmin-replicas-max-lag 10\n"


@pytest.fixture(scope="module")
def database_env() -> Iterator[dict[str, str]]:
    """A PostgreSQL database, migrated and seeded once for every case."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SESSION_"))}
    with scratch_database("redis_ha") as database_url:
        env |= {"DATABASE_URL": database_url, "DJANGO_DEBUG": "1"}
        manage(env, "migrate", "--noinput")
        manage(env, "seed_catalog")
        yield env


@dataclass
class Fault:
    """From the fault until all has settled on the new primary: how long, and a guest's
    adds to cart meanwhile that were refused (5xx)."""

    seconds: float
    refusals: list[Answer]


def kill_the_primary(fleet: SentinelFleet, old_port: int) -> Callable[[], bool]:
    """SIGKILL, as a crash: done once the sentinels have promoted the replica."""
    fleet.process_on(old_port).kill()
    return lambda: fleet.failed_over(old_port)


def switch_over(fleet: SentinelFleet, old_port: int) -> Callable[[], bool]:
    """SENTINEL FAILOVER: done once the old primary has been demoted to a replica."""
    fleet.sentinels[0].client().sentinel_failover(SERVICE)
    old_primary = fleet.process_on(old_port)
    return lambda: (
        fleet.failed_over(old_port) and old_primary.info("replication")["role"] == "slave"
    )


FAULTS = {"killed": kill_the_primary, "switched over": switch_over}


def cause(fault: str, fleet: SentinelFleet, probe: Shopper, page: str) -> Fault:
    """Cause the fault; a guest keeps adding to the cart until it has settled."""
    settled = FAULTS[fault](fleet, fleet.primary_ports().pop())
    started, refusals = time.monotonic(), []

    def add_until_settled() -> bool:
        _, answer = probe.add_from(probe.get(page))
        if answer.status >= 500:  # a 400 is the product's stock reached
            refusals.append(answer)
        return settled()

    wait_for(f"the primary {fault}, settled", add_until_settled)
    return Fault(time.monotonic() - started, refusals)


@dataclass
class Recovery:
    """From the load's end until a newcomer can add to the cart and /healthz is ok: how
    long, and what answered on the way (a 503 "try again" at most)."""

    seconds: float
    interim: list[Answer]


def recover(base_url: str, page: str) -> Recovery:
    interim: list[Answer] = []

    def a_newcomer_adds_and_healthz_is_ok() -> bool:
        newcomer = Shopper(base_url)
        product = newcomer.get(page)
        answers = [product, newcomer.add_from(product)[1] if product.status == 200 else product]
        answers.append(newcomer.get("/healthz"))
        interim.extend(answer for answer in answers if answer.status not in (200, 302))
        return [answer.status for answer in answers] == [200, 302, 200]

    seconds = eventually("all recovers by itself", a_newcomer_adds_and_healthz_is_ok)
    return Recovery(seconds, interim)


def serve_and_fault(
    env: dict, fleet: SentinelFleet, fault: str, log: Path
) -> tuple[LoadReport, Fault, Recovery]:
    """Serve the shop, load it, cause the fault, and wait until the load's adds go through
    again; the load's report, the fault, and how all recovered."""
    accounts = make_accounts(env, SHOPPERS, prefix=f"{env['SESSION_BACKEND']}-{time.time_ns()}")
    with gunicorn_server(env, log, access_log=False) as server:
        probe, page = Shopper(server.url), product_pages(server.url)[0]
        with steady_load(server.url, accounts) as load:
            load.wait_until_every_shopper_adds()
            measured = cause(fault, fleet, probe, page)
            load.wait_for_more_adds(SHOPPERS)
        return load.report, measured, recover(server.url, page)


def describe(case: str, report: LoadReport, fault: Fault, recovery: Recovery) -> str:
    return (
        f"\n{case}: settled in {fault.seconds:.2f} s, all served again "
        f"{recovery.seconds:.2f} s after the load; {report.statuses[503]} of "
        f"{report.requests} shoppers' requests refused with 503 ({len(fault.refusals)} of a "
        f"guest's adds meanwhile); {report.adds} adds confirmed, {len(report.lost)} cart "
        f"lines then short; {len(report.signed_out)} of {SHOPPERS} shoppers signed out"
    )


@pytest.mark.parametrize("backend", REDIS_BACKENDS)
@pytest.mark.parametrize(
    "fault, redis_config",
    [("killed", ""), ("switched over", ""), ("switched over", REFUSE_UNREPLICATED)],
    ids=["killed", "switched-over", "switched-over-min-replicas"],
)
def test_a_failover_under_load(backend, fault, redis_config, database_env, tmp_path):
    require_redis_server()
    fleet = SentinelFleet(tmp_path / "redis", redis_config)
    try:
        fleet.start()
        env = database_env | {
            "SESSION_BACKEND": backend,
            "REDIS_URL": f"redis://{SERVICE}/0",
            "REDIS_SENTINELS": fleet.sentinel_addresses,
        }
        report, measured, recovery = serve_and_fault(env, fleet, fault, tmp_path / "gunicorn.log")
    finally:
        fleet.stop()
    guarded = " (min-replicas-to-write 1)" if redis_config else ""
    case = f"{backend}, primary {fault}{guarded}"
    print(describe(case, report, measured, recovery) + "\n" + report.summary())

    assert report.adds > 0
    assert [f for f in report.failures if f.status != 503] == [], "no 500, always an answer"
    assert all(f.request.startswith("POST ") for f in report.failures), "pages never fail"
    assert all(answer.headers["Retry-After"] for answer in measured.refusals)
    assert all(a.status == 503 and a.headers["Retry-After"] for a in recovery.interim), [
        str(answer) for answer in recovery.interim
    ]
    if backend == "redis_db":  # the database holds every session
        assert report.failures == [] and measured.refusals == []
    if backend == "redis_db" and fault == "killed" or redis_config:
        assert report.lost == [] and report.signed_out == []

"""The runbook of docs/configuration.md, under a steady load of signed-in shoppers on two
instances behind nginx: teach every instance the new engine, switch them to it in turn, then
forget the old one. Nobody is signed out, no cart line is lost, no request fails."""

import pytest

from deploy.fleet import Fleet
from tests.services import require_redis
from tools.servers import manage
from tools.shoppers import make_accounts, steady_load

pytestmark = pytest.mark.slow
SHOPPERS = 6


def runbook(old: str, new: str) -> list[tuple[str, dict[str, str]]]:
    return [
        ("every instance can read the new engine", {"SESSION_MIGRATE_FROM": new}),
        ("sessions move to the new engine", {"SESSION_BACKEND": new, "SESSION_MIGRATE_FROM": old}),
        ("the old engine is forgotten", {"SESSION_MIGRATE_FROM": ""}),
    ]


PAIRS = [("db", "redis"), ("redis", "cookie"), ("redis_db", "db")]


@pytest.mark.parametrize("old, new", PAIRS, ids=["->".join(pair) for pair in PAIRS])
def test_switching_engines_under_load_fails_no_request_and_loses_nothing(
    old, new, prepared_env, run_dir
):
    require_redis()
    fleet = Fleet({**prepared_env, "SESSION_BACKEND": old}, run_dir, size=2)
    accounts = make_accounts(fleet.env, SHOPPERS, f"switch-{old}-{new}".replace("_", "-"))
    try:
        fleet.start()
        with steady_load(fleet.url, accounts) as load:
            load.wait_until_every_shopper_adds()
            for step, changes in runbook(old, new):
                restarted = [instance.number for instance in fleet.rolling_restart(changes)]
                assert restarted == [0, 1], step
                load.wait_for_more_adds(len(accounts))
    finally:
        fleet.stop()
    report = load.report
    print(f"\n{old} -> {new} under load: {report.summary()}")
    assert report.adds > 0
    assert report.failures == []
    assert report.lost == [] and report.signed_out == []
    assert engines_of(fleet.env, accounts) == {new}


def engines_of(env: dict[str, str], accounts) -> set[str]:
    """The engines the register says these shoppers' active sessions are on."""
    names = [account.username for account in accounts]
    code = (
        "from shop.register.models import SessionRecord as R; "
        f"print(*set(R.objects.active().filter(user__username__in={names!r})"
        ".values_list('engine', flat=True)))"
    )
    return set(manage(env, "shell", "--verbosity", "0", "-c", code).split())

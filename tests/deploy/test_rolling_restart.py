"""Restarting every instance in turn, and crashing one, under a steady load of signed-in
shoppers, on every engine: no shopper loses a cart line or their sign-in."""

import pytest

from tools.shoppers import steady_load

pytestmark = pytest.mark.slow
UNAVAILABLE_PAGE = "The shop is back in a moment"


def test_a_rolling_restart_answers_every_request_and_loses_nothing(fleet, accounts):
    with steady_load(fleet.url, accounts) as load:
        load.wait_until_every_shopper_adds()
        restarted = [instance.number for instance in fleet.rolling_restart()]
        load.wait_for_more_adds(len(accounts))
    report = load.report
    print(f"\n{fleet.env['SESSION_BACKEND']} rolling restart: {report.summary()}")
    assert restarted == [0, 1, 2]
    assert report.adds > 0
    assert report.failures == []
    assert report.lost == [] and report.signed_out == []


def test_a_crashed_instance_fails_only_requests_in_flight_with_a_clear_page(fleet, accounts):
    crashed = fleet.instances[1]
    try:
        with steady_load(fleet.url, accounts) as load:
            load.wait_until_every_shopper_adds()
            fleet.kill_instance(crashed)
            load.wait_for_more_adds(2 * len(accounts))  # on the instances left
    finally:
        fleet.start_instance(crashed)
    report = load.report
    print(f"\n{fleet.env['SESSION_BACKEND']} SIGKILL: {report.summary()}")
    assert report.adds > 0
    # nginx tries a GET again on another instance; it never repeats a POST that was sent.
    assert all(failure.request.startswith("POST ") for failure in report.failures)
    assert all(failure.status == 502 for failure in report.failures)
    assert all(UNAVAILABLE_PAGE in failure.text for failure in report.failures)
    assert len(report.failures) <= len(accounts)  # at most one in flight per shopper
    assert report.lost == [] and report.signed_out == []

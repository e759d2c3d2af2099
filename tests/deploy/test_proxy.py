"""What nginx adds in front of the instances: the shopper's own address reaches the shop and
cannot be forged, and a page that explains when no instance can answer."""

import re

import pytest

from tools.shoppers import NoAnswer, Shopper
from tools.waiting import eventually

SHOPPER_ADDRESS = "127.0.0.2"  # a loopback address other than the proxy's own
FORGED = "203.0.113.9"


def device_addresses(shopper: Shopper) -> list[str]:
    page = shopper.get("/accounts/sessions/")
    assert page.status == 200, str(page)
    return re.findall(r"<td[^>]*>(\d+\.\d+\.\d+\.\d+)</td>", page.body)


def test_the_register_records_the_shopper_not_the_proxy_nor_a_forged_header(fleet, accounts):
    shopper = Shopper(fleet.url, source=SHOPPER_ADDRESS)
    form = {"username": accounts[0].username, "password": accounts[0].password}
    answer = shopper.post_form(
        "/accounts/login/", "/accounts/login/", form, {"X-Forwarded-For": FORGED}
    )
    assert answer.status == 302
    assert SHOPPER_ADDRESS in device_addresses(shopper)
    assert FORGED not in device_addresses(shopper)


def test_a_client_that_reaches_an_instance_directly_cannot_claim_an_address(fleet, accounts):
    direct = Shopper(f"http://{fleet.instances[0].address}", as_https=True, source=SHOPPER_ADDRESS)
    login = direct.get("/accounts/login/")
    form = {"username": accounts[1].username, "password": accounts[1].password}
    answer = direct.post_form(login, "/accounts/login/", form, {"X-Forwarded-For": FORGED})
    assert answer.status == 302
    addresses = device_addresses(direct)
    assert SHOPPER_ADDRESS in addresses and FORGED not in addresses


def test_a_host_the_shop_does_not_serve_is_closed_by_nginx(fleet):
    with pytest.raises(NoAnswer):
        Shopper(fleet.url).get("/", Host="shop.attacker.example")
    assert Shopper(fleet.url).get("/").status == 200


@pytest.mark.slow
def test_when_no_instance_answers_nginx_serves_a_clear_page(fleet):
    if fleet.env["SESSION_BACKEND"] != "db":
        pytest.skip("nginx's page is the same on every engine: shown once, on db")
    shopper = Shopper(fleet.url)
    assert shopper.get("/").status == 200
    try:
        for instance in fleet.instances:
            fleet.stop_instance(instance)
        for answer in (shopper.get("/"), shopper.get("/cart/")):
            assert answer.status == 502
            assert "The shop is back in a moment" in answer.body
            assert answer.headers["Retry-After"] == "5"
    finally:
        for instance in fleet.instances:
            fleet.start_instance(instance)
    # nginx leaves an instance that failed alone for fail_timeout (5 s), then tries it again:
    # the shop answers again by itself, with nothing but waiting.
    back = eventually("nginx serves the shop again", lambda: shopper.get("/").status == 200)
    print(f"\nnginx served the shop again {back:.1f} s after the instances restarted")

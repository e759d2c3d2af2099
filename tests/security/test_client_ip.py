"""Behind the proxy every request comes from the proxy: the client is the address the proxy
appended to X-Forwarded-For, never one the client wrote there itself, and only a peer listed
in DJANGO_TRUSTED_PROXIES is believed at all."""

import pytest
from django.test import Client, RequestFactory

from shop.client_ip import client_ip, lockout_address
from shop.register.models import SessionRecord
from tests.accounts.helpers import fail_until_locked_out, make_user, sign_in, signed_in_user_id
from tests.cart.helpers import add
from tests.register.helpers import fast_password_hashing  # noqa: F401  autouse

PROXY = "10.0.0.2"


def behind_proxy(address: str, claimed: str = "") -> Client:
    """A browser at `address`, reaching the shop through the proxy (nginx appends it)."""
    forwarded = f"{claimed}, {address}" if claimed else address
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


@pytest.fixture
def proxied(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]


def request_from(**meta):
    return RequestFactory().get("/", REMOTE_ADDR=PROXY, **meta)


def test_behind_the_proxy_the_appended_address_is_the_client(proxied):
    assert client_ip(request_from(HTTP_X_FORWARDED_FOR="198.51.100.7")) == "198.51.100.7"
    forged = request_from(HTTP_X_FORWARDED_FOR="203.0.113.1, 198.51.100.7")
    assert client_ip(forged) == "198.51.100.7"


def test_without_a_usable_header_it_is_the_peer(proxied):
    assert client_ip(request_from()) == PROXY
    assert client_ip(request_from(HTTP_X_FORWARDED_FOR="198.51.100.7, not-an-ip")) == PROXY


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request_from(HTTP_X_FORWARDED_FOR="198.51.100.7")) == PROXY


def test_a_peer_that_is_not_a_trusted_proxy_cannot_claim_an_address(proxied):
    direct = RequestFactory().get(
        "/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert client_ip(direct) == "203.0.113.9"
    assert lockout_address(direct) == "203.0.113.9"


def test_an_ipv4_client_behind_a_dual_stack_socket_is_counted_as_itself(proxied):
    one = request_from(HTTP_X_FORWARDED_FOR="::ffff:198.51.100.7")
    other = request_from(HTTP_X_FORWARDED_FOR="::ffff:203.0.113.1")
    assert client_ip(one) == lockout_address(one) == "198.51.100.7"
    assert lockout_address(other) == "203.0.113.1"
    direct = RequestFactory().get("/", REMOTE_ADDR="::ffff:203.0.113.9")
    assert client_ip(direct) == "203.0.113.9"


def test_trusted_proxies_may_be_ipv6_networks(settings):
    settings.TRUSTED_PROXIES = ["fd00::/8"]
    request = RequestFactory().get("/", REMOTE_ADDR="fd00::2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert client_ip(request) == "198.51.100.7"


def test_an_ipv6_client_is_counted_by_its_slash_64(proxied):
    one = request_from(HTTP_X_FORWARDED_FOR="2001:db8:1:2::1")
    other = request_from(HTTP_X_FORWARDED_FOR="2001:db8:1:2:ffff::9")
    assert lockout_address(one) == lockout_address(other) == "2001:db8:1:2::"
    assert lockout_address(request_from(HTTP_X_FORWARDED_FOR="198.51.100.7")) == "198.51.100.7"


@pytest.mark.django_db
def test_the_register_records_the_client_not_the_proxy(proxied, session_backend, make_product):
    shopper = behind_proxy("198.51.100.7", claimed="203.0.113.1")
    add(shopper, make_product(), "1")
    assert SessionRecord.objects.get().ip_address == "198.51.100.7"


@pytest.mark.django_db
def test_a_lockout_behind_the_proxy_pauses_only_the_attackers_address(proxied, session_backend):
    make_user()
    attacker = behind_proxy("203.0.113.66")
    assert fail_until_locked_out(attacker).status_code == 429
    owner = behind_proxy("198.51.100.7")
    assert sign_in(owner).status_code == 302
    assert signed_in_user_id(owner) is not None

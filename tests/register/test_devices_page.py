"""'Your devices' as a shopper reads it: how long ago, which row is this device, and the
links that lead there from every page."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from shop.register.templatetags.since import ago
from tests.register.helpers import make_user, sign_in

pytestmark = pytest.mark.django_db


def test_under_a_minute_is_just_now_never_0_minutes():
    now = timezone.now()
    assert ago(now) == "just now"
    assert ago(now - timedelta(seconds=59)) == "just now"
    assert ago(now + timedelta(seconds=5)) == "just now"  # another instance's clock ahead
    assert ago(now - timedelta(minutes=3, seconds=5)) == "3\xa0minutes ago"
    assert ago(None) == ""


def test_this_device_is_marked_in_its_own_row_and_seen_just_now():
    client = Client()
    make_user("ada")
    sign_in(client, "ada")
    page = client.get("/accounts/sessions/").content.decode()
    current_row = re.search(r'<tr class="device current".*?</tr>', page, re.S).group(0)
    assert '<span class="device-badge" data-testid="this-device">This device</span>' in current_row
    assert '<td data-label="Last seen"><time' in current_row
    assert ">just now</time>" in current_row
    assert "0\xa0minutes" not in page


@pytest.mark.parametrize("url", ["/", "/orders/", "/accounts/sessions/", "/accounts/password/"])
def test_your_devices_is_linked_from_the_header_and_the_account_pages(url):
    client = Client()
    make_user("ada")
    sign_in(client, "ada")
    page = client.get(url).content.decode()
    assert '<a href="/accounts/sessions/"' in page
    assert "Your devices</a>" in page

"""The one way the settings read the environment (shop/env.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from shop.env import env_flag, env_list, env_networks, env_seconds
from tests.settings_page import settings_with


@pytest.mark.parametrize("value, expected", [("", True), ("1", True), ("0", False)])
def test_a_flag_is_one_or_zero_and_empty_means_the_default(monkeypatch, value, expected):
    monkeypatch.setenv("DJANGO_DEBUG", value)
    assert env_flag("DJANGO_DEBUG", True) is expected


@pytest.mark.parametrize("value", ["yes", "true", "01", " 1"])
def test_anything_else_is_not_a_flag(monkeypatch, value):
    monkeypatch.setenv("DJANGO_DEBUG", value)
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG must be 1 or 0"):
        env_flag("DJANGO_DEBUG", True)


@pytest.mark.parametrize("value", ["0", "-1", "1.5", "²", "an hour"])
def test_seconds_are_a_whole_number_above_zero_by_default(monkeypatch, value):
    monkeypatch.setenv("SESSION_IDLE_SECONDS", value)
    with pytest.raises(ImproperlyConfigured, match="SESSION_IDLE_SECONDS must be a whole number"):
        env_seconds("SESSION_IDLE_SECONDS", 7200)


def test_zero_seconds_are_allowed_where_zero_means_off(monkeypatch):
    monkeypatch.setenv("DJANGO_HSTS_SECONDS", "0")
    assert env_seconds("DJANGO_HSTS_SECONDS", 31_536_000, minimum=0) == 0


def test_a_list_set_empty_is_empty_and_blanks_are_dropped(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "")
    assert env_list("DJANGO_ALLOWED_HOSTS", "localhost") == []
    monkeypatch.delenv("DJANGO_ALLOWED_HOSTS")
    assert env_list("DJANGO_ALLOWED_HOSTS", "localhost") == ["localhost"]
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", " shop.example , ,127.0.0.1")
    assert env_list("DJANGO_ALLOWED_HOSTS", "localhost") == ["shop.example", "127.0.0.1"]


def test_networks_are_checked_one_by_one(monkeypatch):
    monkeypatch.setenv("DJANGO_TRUSTED_PROXIES", "10.0.0.0/8, fd00::1")
    assert env_networks("DJANGO_TRUSTED_PROXIES", "") == ["10.0.0.0/8", "fd00::1"]
    monkeypatch.setenv("DJANGO_TRUSTED_PROXIES", "10.0.0.0/8,proxy.example")
    with pytest.raises(ImproperlyConfigured, match="'proxy.example'"):
        env_networks("DJANGO_TRUSTED_PROXIES", "")


@pytest.mark.parametrize(
    "environ, named",
    [
        ({"SESSION_BACKEND": ""}, "SESSION_BACKEND=''"),
        ({"SESSION_BACKEND": "redis", "REDIS_URL": ""}, "REDIS_URL is empty"),
        ({"DATABASE_URL": ""}, "DATABASE_URL is empty"),
    ],
)
def test_a_place_set_empty_stops_start_up_instead_of_meaning_the_local_default(environ, named):
    """A templated variable left blank on one instance must not split the fleet's state."""
    with pytest.raises(ImproperlyConfigured, match=named):
        settings_with(**environ)


def test_a_cluster_needs_no_redis_url():
    """REDIS_CLUSTER_NODES replaces REDIS_URL, which may then be empty."""
    nodes = "10.0.1.1:7000,10.0.1.2:7000"
    settings = settings_with(SESSION_BACKEND="redis", REDIS_URL="", REDIS_CLUSTER_NODES=nodes)
    assert settings["CACHES"]["sessions"]["OPTIONS"]["CLUSTER_NODES"][0] == ("10.0.1.1", 7000)

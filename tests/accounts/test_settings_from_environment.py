"""Sign-in throttling, password reset and mail settings, read from the environment."""

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from shop.env import env_count, env_money, env_rate
from shop.mail_settings import email_settings
from tests.accounts.helpers import make_user

ROOT = Path(__file__).resolve().parents[2]
OURS = ("SIGNIN_", "PASSWORD_RESET_", "EMAIL_URL", "DJANGO_")


def start(names: list[str], **env: str) -> subprocess.CompletedProcess:
    """A fresh interpreter with these variables set, printing these settings one a line."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(OURS)}
    environment.update(DJANGO_SETTINGS_MODULE="shop.settings", **env)
    prints = "; ".join(f"print(s.{name})" for name in names)
    code = f"import django; django.setup(); from django.conf import settings as s; {prints}"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_the_environment_reaches_axes_ratelimit_and_mail():
    names = [
        "AXES_FAILURE_LIMIT",
        "AXES_COOLOFF_TIME",
        "PASSWORD_RESET_RATE",
        "EMAIL_BACKEND",
        "EMAIL_FILE_PATH",
        "DEFAULT_FROM_EMAIL",
    ]
    result = start(
        names,
        SIGNIN_FAILURE_LIMIT="3",
        SIGNIN_COOLOFF_SECONDS="60",
        PASSWORD_RESET_RATE="2/m",
        EMAIL_URL="file:///tmp/shop-mail",
        DJANGO_DEFAULT_FROM_EMAIL="Shop <shop@example.com>",
    )
    assert result.stdout.splitlines() == [
        "3",
        "0:01:00",
        "2/m",
        "django.core.mail.backends.filebased.EmailBackend",
        "/tmp/shop-mail",
        "Shop <shop@example.com>",
    ], result.stderr


def test_the_defaults():
    names = ["AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME", "PASSWORD_RESET_RATE", "EMAIL_BACKEND"]
    assert start(names).stdout.splitlines() == [
        "5",
        "0:15:00",
        "5/h",
        "django.core.mail.backends.console.EmailBackend",
    ]


def test_a_bad_value_stops_start_up_and_is_named():
    result = start(["AXES_FAILURE_LIMIT"], SIGNIN_FAILURE_LIMIT="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SIGNIN_FAILURE_LIMIT must be a whole number above 0" in (
        result.stderr
    )


@pytest.mark.parametrize("value, expected", [("", 5), ("1", 1), ("12", 12)])
def test_a_count_is_a_whole_number_above_zero(monkeypatch, value, expected):
    monkeypatch.setenv("SIGNIN_FAILURE_LIMIT", value)
    assert env_count("SIGNIN_FAILURE_LIMIT", 5) == expected


@pytest.mark.parametrize("value", ["0", "-1", "five", "1.5", "²", " 5"])
def test_anything_else_is_refused_by_name(monkeypatch, value):
    monkeypatch.setenv("SIGNIN_FAILURE_LIMIT", value)
    with pytest.raises(ImproperlyConfigured, match="SIGNIN_FAILURE_LIMIT must be a whole number"):
        env_count("SIGNIN_FAILURE_LIMIT", 5)


@pytest.mark.parametrize("value, expected", [("", "5/h"), ("10/15m", "10/15m"), ("3/d", "3/d")])
def test_a_rate_is_a_count_per_period(monkeypatch, value, expected):
    monkeypatch.setenv("PASSWORD_RESET_RATE", value)
    assert env_rate("PASSWORD_RESET_RATE", "5/h") == expected


@pytest.mark.parametrize("value", ["5", "5/x", "0/h", "5/0m", "5 per hour", "/h"])
def test_a_bad_rate_is_refused_by_name(monkeypatch, value):
    monkeypatch.setenv("PASSWORD_RESET_RATE", value)
    with pytest.raises(ImproperlyConfigured, match="PASSWORD_RESET_RATE must be a count per"):
        env_rate("PASSWORD_RESET_RATE", "5/h")


def test_console_mail_is_printed():
    assert email_settings("console:")["EMAIL_BACKEND"] == (
        "django.core.mail.backends.console.EmailBackend"
    )


def test_file_mail_goes_to_the_absolute_directory():
    conf = email_settings("file:///var/spool/shop-mail")
    assert conf["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert conf["EMAIL_FILE_PATH"] == "/var/spool/shop-mail"


def test_smtp_takes_the_server_and_its_credentials():
    conf = email_settings("smtp://shop:p%40ss@mail.example.com:2525")
    assert conf["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (conf["EMAIL_HOST"], conf["EMAIL_PORT"]) == ("mail.example.com", 2525)
    assert (conf["EMAIL_HOST_USER"], conf["EMAIL_HOST_PASSWORD"]) == ("shop", "p@ss")
    assert conf["EMAIL_TIMEOUT"] == 10  # a server that hangs does not hold a worker for ever


def test_smtp_can_ask_for_tls_and_its_own_timeout():
    conf = email_settings("smtp://mail.example.com:587?tls=1&timeout=3")
    assert conf["EMAIL_USE_TLS"] is True
    assert conf["EMAIL_TIMEOUT"] == 3


@pytest.mark.parametrize(
    "url, message",
    [
        ("mail.example.com", "unknown scheme"),
        ("gopher://secret@host", "unknown scheme"),
        ("smtp://shop:secret@host:port", "not valid"),
        ("file://", "needs the directory"),
    ],
)
def test_a_bad_email_url_is_named_without_its_password(url, message):
    with pytest.raises(ImproperlyConfigured, match=message) as error:
        email_settings(url)
    assert "EMAIL_URL" in str(error.value)
    assert "secret" not in str(error.value)


@pytest.mark.django_db
def test_file_mail_writes_each_mail_as_a_file(client, tmp_path):
    make_user()
    with override_settings(**email_settings(f"file://{tmp_path}")):
        response = client.post("/accounts/password/reset/", {"email": "ada@example.com"})
    assert response.status_code == 302
    [written] = list(tmp_path.iterdir())
    text = written.read_text()
    assert "To: ada@example.com" in text
    assert "http://testserver/accounts/password/reset/" in text


@pytest.mark.parametrize("value, expected", [("", "500.00"), ("20", "20.00"), ("99.5", "99.50")])
def test_an_amount_is_money_above_zero(monkeypatch, value, expected):
    monkeypatch.setenv("ORDER_MAX_VALUE", value)
    assert env_money("ORDER_MAX_VALUE", "500.00") == Decimal(expected)


@pytest.mark.parametrize("value", ["0", "0.00", "-5", "five", "1.005", "1e3", "NaN", "Infinity"])
def test_a_bad_amount_is_refused_by_name(monkeypatch, value):
    monkeypatch.setenv("ORDER_MAX_VALUE", value)
    with pytest.raises(ImproperlyConfigured, match="ORDER_MAX_VALUE must be an amount above 0"):
        env_money("ORDER_MAX_VALUE", "500.00")


def test_a_limit_per_line_above_what_a_cart_line_holds_stops_start_up():
    result = start(["ORDER_MAX_PER_LINE"], ORDER_MAX_PER_LINE="100")
    assert result.returncode != 0
    assert "ImproperlyConfigured: ORDER_MAX_PER_LINE must be at most 99" in result.stderr

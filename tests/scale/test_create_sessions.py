from decimal import Decimal
from importlib import import_module
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings

from accounts.models import User
from shop.register.management.commands.create_sessions import session_key_of
from shop.register.models import SessionRecord
from shop.sessions.config import session_settings
from tests.conftest import REDIS_TEST_PREFIX
from tests.services import REDIS_URL, engines_under_test

pytestmark = pytest.mark.django_db
# The engines that keep a session's data on the server (a cookie's lives in the browser).
server_side = pytest.mark.parametrize(
    "session_backend", ["db", "redis", "redis_db", "file"], indirect=True
)
# A command cannot put sessions in the memory of a server process: every other engine.
seedable = pytest.mark.parametrize(
    "session_backend", [e for e in engines_under_test() if e != "memory"], indirect=True
)


def create(*args: str) -> str:
    out = StringIO()
    call_command("create_sessions", *args, stdout=out)
    return out.getvalue()


def synthetic() -> "SessionRecord.objects":
    return SessionRecord.objects.filter(public_id__startswith="synthetic-")


def store(key: str = ""):
    return import_module(settings.SESSION_ENGINE).SessionStore(key or None)


@pytest.fixture
def products(make_product):
    return [make_product(price=price) for price in ("2.50", "6.25", "9.99", "14.00", "31.75")]


@seedable
def test_it_creates_that_many_active_sessions_in_the_store(session_backend, products):
    create("--count", "300", "--users", "20", "--batch", "128", "--seed", "7")

    rows = synthetic().active()
    assert rows.count() == 300
    assert set(rows.values_list("engine", flat=True)) == {session_backend}
    assert rows.filter(user__isnull=True).exists()
    assert rows.filter(user__username__startswith="synthetic-").exists()
    assert rows.filter(cart_lines__gt=0).exists()
    digests = set(rows.values_list("key_digest", flat=True))
    if session_backend == "cookie":
        assert digests == {""}  # the data lives in browsers: only the register knows them
        assert not Session.objects.exists()
    else:
        assert len(digests) == 300
        assert all(store().exists(session_key_of(r.public_id)) for r in rows)


@server_side
def test_its_sessions_load_with_their_user_and_cart(session_backend, products):
    create("--count", "200", "--users", "10", "--seed", "3")

    carted = synthetic().filter(user__isnull=False, cart_lines__gt=0)
    for record in carted[:2]:
        data = store(session_key_of(record.public_id)).load()
        assert data[SESSION_KEY] == str(record.user_id)
        cart = data["cart"]
        assert len(cart) == record.cart_lines
        assert sum(qty * Decimal(price) for qty, price in cart.values()) == record.cart_value
        assert {int(pk) for pk in cart} <= {p.pk for p in products}


@server_side
def test_a_browser_holding_one_is_signed_in_with_its_cart(session_backend, products):
    create("--count", "200", "--users", "10", "--seed", "5")
    record = synthetic().filter(user__isnull=False, cart_lines__gt=0).first()
    browser = Client()
    browser.cookies[settings.SESSION_COOKIE_NAME] = session_key_of(record.public_id)

    summary = browser.get("/cart/summary/").json()
    devices = browser.get("/accounts/sessions/")

    assert len(summary["lines"]) == record.cart_lines
    assert Decimal(summary["total"]) == record.cart_value
    assert devices.status_code == 200  # the auth hash matched: still signed in
    assert devices.context["rows"][0][0].user == record.user
    mine = synthetic().active().filter(user=record.user).count()
    assert len(devices.context["rows"]) == mine
    assert sum(1 for row in devices.context["rows"] if row[-1]) == 1  # "this device"


@server_side
def test_sessions_of_users_left_from_an_earlier_run_stay_signed_in(session_backend):
    User.objects.create_user("synthetic-000001", password="set-since-then-42")
    create("--count", "20", "--users", "1")

    record = synthetic().filter(user__isnull=False).first()
    browser = Client()
    browser.cookies[settings.SESSION_COOKIE_NAME] = session_key_of(record.public_id)
    assert browser.get("/accounts/sessions/").status_code == 200


@seedable
def test_clear_removes_only_synthetic_sessions_and_users(session_backend, products):
    real = User.objects.create_user("ada", "ada@example.com", "plum-jam-tart-41")
    browser = Client()
    browser.post("/accounts/login/", {"username": "ada", "password": "plum-jam-tart-41"})
    browser.post(f"/cart/add/{products[0].pk}/", {"quantity": "2"})
    real_record = SessionRecord.objects.get(user=real)
    create("--count", "150", "--users", "5")
    synthetic_keys = [
        session_key_of(pid) for pid in synthetic().values_list("public_id", flat=True)
    ]

    output = create("--clear")

    assert "Removed 150 synthetic sessions." in output
    assert not synthetic().exists()
    assert not User.objects.filter(username__startswith="synthetic-").exists()
    assert SessionRecord.objects.filter(pk=real_record.pk).exists()
    assert User.objects.filter(pk=real.pk).exists()
    assert not any(store().exists(key) for key in synthetic_keys)
    assert browser.get("/cart/summary/").json()["count"] == 2  # the real session is intact


@seedable
def test_clear_then_count_replaces_the_synthetic_sessions(session_backend):
    create("--count", "40")
    create("--clear", "--count", "25")
    assert synthetic().count() == 25


def test_it_writes_where_a_server_on_the_other_engine_reads(settings):
    """--engine db while the site runs on cookie: the rows are those a db server loads."""
    settings.SESSION_BACKEND, settings.SESSION_ENGINE = "cookie", "shop.sessions.signed_cookies"
    create("--count", "30", "--engine", "db", "--users", "3")

    record = synthetic().filter(user__isnull=False).first()
    assert record.engine == "db"
    with override_settings(**session_settings("db", REDIS_URL, REDIS_TEST_PREFIX)):
        assert store(session_key_of(record.public_id)).load()[SESSION_KEY] == str(record.user_id)


@seedable
def test_the_same_seed_makes_the_same_sessions(session_backend):
    def shape() -> list[tuple]:
        fields = ("user__username", "ip_address", "user_agent", "cart_lines", "cart_value")
        return sorted(synthetic().values_list(*fields), key=repr)

    create("--count", "60", "--users", "6", "--seed", "11")
    first = shape()
    create("--clear", "--count", "60", "--users", "6", "--seed", "11")
    assert shape() == first


@seedable
def test_it_shows_progress_unless_quiet(session_backend):
    output = create("--count", "250", "--batch", "100")
    assert "\r" in output, "the bar is rewritten in place"
    assert "250/250" in output
    assert " sessions/s" in output
    assert "Created 250 synthetic sessions" in output

    out = StringIO()
    call_command("create_sessions", "--count", "10", verbosity=0, stdout=out)
    assert out.getvalue() == ""


@pytest.mark.parametrize(
    "args, message",
    [
        (["--count", "0"], "--count must be at least 1, not 0."),
        (["--count", "-5"], "--count must be at least 1, not -5."),
        (["--count", "many"], "--count must be a whole number, not 'many'."),
        (["--count", "2.5"], "--count must be a whole number, not '2.5'."),
        (["--count", "5", "--batch", "0"], "--batch must be at least 1, not 0."),
        (["--count", "5", "--users", "-1"], "--users must be at least 0, not -1."),
        (["--count", "5", "--engine", "memcached"], "Unknown engine 'memcached'; use one of"),
        ([], "Give --count N"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(args, message):
    with pytest.raises(CommandError, match=message.replace(".", r"\.")):
        create(*args)
    assert not SessionRecord.objects.exists()


def test_users_zero_makes_guests_only():
    create("--count", "20", "--users", "0")
    assert not synthetic().filter(user__isnull=False).exists()


@pytest.mark.parametrize("session_backend", ["memory"], indirect=True)
def test_memory_sessions_cannot_be_made_from_a_command(session_backend, products):
    with pytest.raises(CommandError, match="memory of the process serving them"):
        create("--count", "5")
    assert not synthetic().exists()

"""Signed-in sessions end when they should, on every engine, enforced by the server.

Most tests move a session's own stamps into the past (as if that much time had gone by);
one per engine waits for a short idle limit on the real clock.
"""

import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_redis import get_redis_connection

from shop.sessions import lifetime
from shop.sessions.base import digest
from tests.accounts.helpers import make_user, session_cookie, sign_in, signed_in_user_id
from tests.cart.helpers import add, cart_of

pytestmark = pytest.mark.django_db

HOUR = 3600


@pytest.fixture(autouse=True)
def limits(settings):
    settings.SESSION_IDLE_SECONDS = 2 * HOUR
    settings.SESSION_MAX_SECONDS = 12 * HOUR
    settings.SESSION_REMEMBER_SECONDS = 30 * 24 * HOUR


def stamps(client) -> lifetime.Lifetime:
    return lifetime.read(client.session)


def move_back(client, *, signed_in: float = 0, seen: float = 0) -> None:
    """Pretend the sign-in and the last activity happened this many seconds earlier."""
    session = client.session
    now = stamps(client)
    session[lifetime.LIFETIME_KEY] = [
        now.signed_in_at - signed_in,
        int(now.remember),
        now.seen_at - seen,
    ]
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key


def still_signed_in(client) -> bool:
    return client.get("/accounts/sessions/").status_code == 200


def message_after(client) -> str:
    return client.get("/", follow=True).content.decode()


def test_a_session_unused_for_the_idle_time_is_signed_out_and_told_why(client):
    make_user()
    sign_in(client)
    move_back(client, signed_in=2 * HOUR + 1, seen=2 * HOUR + 1)
    assert "You were signed out after 2 hours without activity." in message_after(client)
    assert signed_in_user_id(client) is None


def test_a_session_in_use_lasts_past_the_idle_time(client):
    make_user()
    sign_in(client)
    move_back(client, signed_in=3 * HOUR, seen=2 * HOUR - 60)
    assert still_signed_in(client)


def test_a_session_in_use_ends_at_the_absolute_limit(client):
    make_user()
    sign_in(client)
    move_back(client, signed_in=12 * HOUR + 1, seen=60)
    assert "a sign-in lasts 12 hours unless you tick" in message_after(client)
    assert signed_in_user_id(client) is None


def test_remember_me_outlasts_the_idle_and_absolute_limits(client):
    make_user()
    sign_in(client, remember_me="on")
    move_back(client, signed_in=20 * 24 * HOUR, seen=19 * 24 * HOUR)
    assert still_signed_in(client)


def test_remember_me_ends_after_its_own_limit(client):
    make_user()
    sign_in(client, remember_me="on")
    move_back(client, signed_in=30 * 24 * HOUR + 1)
    assert "a remembered sign-in lasts 30 days" in message_after(client)


def test_an_ended_session_cannot_change_the_account(client, make_product):
    user = make_user()
    sign_in(client)
    jam = make_product()
    move_back(client, signed_in=2 * HOUR + 1, seen=2 * HOUR + 1)
    add(client, jam, "2")
    assert not user.saved_cart.lines
    assert signed_in_user_id(client) is None


def test_the_cart_comes_back_at_the_next_sign_in(client, make_product):
    make_user()
    sign_in(client)
    jam = make_product()
    add(client, jam, "2")
    move_back(client, signed_in=2 * HOUR + 1, seen=2 * HOUR + 1)
    client.get("/accounts/sessions/")
    assert cart_of(client) == {}
    sign_in(client)
    assert cart_of(client) == {jam.id: 2}


def test_without_remember_me_the_cookie_ends_with_the_browser(client):
    make_user()
    response = sign_in(client)
    morsel = response.cookies[settings.SESSION_COOKIE_NAME]
    assert morsel["max-age"] == "" and morsel["expires"] == ""


def test_a_guest_keeps_a_fourteen_day_session(client, make_product):
    add(client, make_product(), "1")
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 14 * 24 * HOUR


def test_the_store_keeps_a_signed_in_session_only_as_long_as_it_may_last(client, session_backend):
    make_user()
    sign_in(client)
    kept = stored_seconds(session_backend, session_cookie(client))
    if kept is None:
        pytest.skip("a signed cookie is kept by the browser: the server enforces its stamps")
    most = settings.SESSION_IDLE_SECONDS + lifetime.ENDED_NOTICE_SECONDS
    assert most - 10 <= kept <= most


def stored_seconds(backend: str, key: str) -> int | None:
    """Seconds the store will keep this session: Redis' TTL, or the row's expiry."""
    if backend in ("redis", "redis_db"):
        store_class = caches[settings.SESSION_CACHE_ALIAS]
        name = "session:" if backend == "redis" else "session-db:"
        redis_key = store_class.make_key(f"{name}{{{digest(key)}}}")
        return get_redis_connection(settings.SESSION_CACHE_ALIAS).ttl(redis_key)
    if backend == "db":
        row = Session.objects.get(session_key=digest(key))
        return int(row.expire_date.timestamp() - time.time())
    return None


def test_activity_is_stamped_at_most_every_few_minutes(client, redis_commands):
    """Pages in quick succession write nothing; a page after the interval writes once."""
    make_user()
    sign_in(client)
    client.get("/accounts/sessions/")
    redis_commands.clear()
    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            client.get("/accounts/sessions/")
    assert not writes(queries, redis_commands)

    move_back(client, seen=lifetime.activity_interval())
    seen_before = stamps(client).seen_at
    redis_commands.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get("/accounts/sessions/")
    assert stamps(client).seen_at > seen_before
    assert writes(queries, redis_commands) <= 2  # the session, and the register's row with it


def writes(queries, commands) -> int:
    sql = [q["sql"].lstrip().upper() for q in queries]
    statements = [s for s in sql if s.startswith(("INSERT", "UPDATE"))]
    return len(statements) + sum(1 for c in commands if b"SET" in c[:40])


def test_a_short_idle_limit_ends_the_session_on_the_real_clock(client, settings):
    settings.SESSION_IDLE_SECONDS = 2
    make_user()
    sign_in(client)
    assert still_signed_in(client)
    time.sleep(2.2)
    assert "after 2 seconds without activity" in message_after(client)

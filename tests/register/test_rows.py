from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from shop.register.models import SessionRecord
from shop.register.rows import TOUCH_SECONDS
from shop.sessions.base import digest
from tests.cart.helpers import add
from tests.register.helpers import BROWSER, age_register_entry, make_user, record_of, sign_in


def test_a_guest_with_a_cart_gets_a_row(client, session_backend, make_product):
    tea = make_product(price="2.50")
    add(client, tea, "3", HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.9")
    record = record_of(client)
    assert record.engine == session_backend
    assert record.user is None
    assert (record.cart_lines, record.cart_value) == (1, Decimal("7.50"))
    assert record.ip_address == "203.0.113.9"
    assert "Chrome/120" in record.user_agent
    assert record.expires_at > timezone.now()
    assert SessionRecord.objects.active().filter(pk=record.pk).exists()


def test_only_the_digest_of_a_server_side_key_is_kept(client, session_backend, make_product):
    add(client, make_product(), "1")
    record = record_of(client)
    if session_backend == "cookie":
        assert record.key_digest == ""
    else:
        key = client.session.session_key
        assert record.key_digest == digest(key) != key


def test_a_visitor_who_stores_nothing_gets_no_row(client, db):
    client.get("/")
    client.get("/cart/")
    assert SessionRecord.objects.count() == 0


def test_a_new_or_removed_line_updates_the_snapshot_at_once(client, make_product):
    tea, jam = make_product(price="2.00"), make_product(price="5.00")
    add(client, tea, "1")
    add(client, jam, "1")
    assert (record_of(client).cart_lines, record_of(client).cart_value) == (2, Decimal("7.00"))
    client.post("/cart/clear/")
    assert (record_of(client).cart_lines, record_of(client).cart_value) == (0, 0)


def test_a_quantity_change_reaches_the_snapshot_with_the_next_touch(client, make_product):
    """A quantity change writes no row of its own (it would cost every change a commit)."""
    tea = make_product(price="2.00")
    add(client, tea, "1")
    add(client, tea, "2")
    assert record_of(client).cart_value == Decimal("2.00")
    age_register_entry(client, TOUCH_SECONDS)
    client.get("/cart/")
    assert record_of(client).cart_value == Decimal("6.00")


def test_sign_in_names_the_user_and_follows_the_new_key(client, session_backend, make_product):
    user = make_user()
    add(client, make_product(), "1")
    guest_row = record_of(client)
    sign_in(client)
    row = record_of(client)
    assert row.pk == guest_row.pk
    assert row.user == user
    if session_backend != "cookie":
        assert row.key_digest == digest(client.session.session_key) != guest_row.key_digest


def test_sign_out_ends_the_row(client, make_product):
    make_user()
    sign_in(client)
    row = record_of(client)
    client.post("/accounts/logout/")
    row.refresh_from_db()
    assert row.ended_at is not None
    assert not SessionRecord.objects.active().filter(pk=row.pk).exists()


def test_last_seen_is_touched_only_when_due(client, make_product):
    add(client, make_product(), "1")
    first_seen = record_of(client).last_seen
    client.get("/cart/")
    assert record_of(client).last_seen == first_seen
    age_register_entry(client, 301)
    client.get("/cart/")
    assert record_of(client).last_seen > first_seen


def test_a_corrupt_register_entry_starts_a_new_row(client, session_backend, make_product):
    from django.conf import settings

    add(client, make_product(), "1")
    session = client.session
    session["_register"] = "garbage"
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    assert client.get("/cart/").status_code == 200
    assert SessionRecord.objects.count() == 2


def test_prune_sessions_prunes_expired_and_long_ended_rows(client, make_product):
    add(client, make_product(), "1")
    live = record_of(client)
    old = timezone.now() - timezone.timedelta(days=3)
    expired = SessionRecord.objects.create(engine="db", expires_at=old)
    ended = SessionRecord.objects.create(
        engine="db", expires_at=timezone.now() + timezone.timedelta(days=1), ended_at=old
    )
    call_command("prune_sessions", verbosity=0)
    assert list(SessionRecord.objects.values_list("pk", flat=True)) == [live.pk]
    assert not SessionRecord.objects.filter(pk__in=[expired.pk, ended.pk]).exists()


def test_two_browsers_get_two_rows(client, session_backend, make_product):
    tea = make_product()
    other = Client()
    add(client, tea, "1")
    add(other, tea, "1")
    assert SessionRecord.objects.active().count() == 2


def test_prune_sessions_keeps_an_ended_cookie_row_until_the_cookie_expires(db):
    old = timezone.now() - timezone.timedelta(days=3)
    soon = timezone.now() + timezone.timedelta(days=1)
    ended_cookie = SessionRecord.objects.create(engine="cookie", expires_at=soon, ended_at=old)
    expired_cookie = SessionRecord.objects.create(engine="cookie", expires_at=old, ended_at=old)
    call_command("prune_sessions", verbosity=0)
    assert list(SessionRecord.objects.values_list("pk", flat=True)) == [ended_cookie.pk]
    assert not SessionRecord.objects.filter(pk=expired_cookie.pk).exists()


@pytest.mark.parametrize("session_backend", ["db"], indirect=True)
def test_prune_sessions_also_deletes_the_stores_expired_sessions(session_backend, db):
    """One cron line: the store's expired sessions go too, as Django's clearsessions does."""
    from django.contrib.sessions.models import Session

    old = timezone.now() - timezone.timedelta(days=3)
    Session.objects.create(session_key="x" * 40, session_data="", expire_date=old)
    call_command("prune_sessions", verbosity=0)
    assert not Session.objects.exists()


def test_djangos_clearsessions_is_djangos_again_and_leaves_the_register_alone(db):
    old = timezone.now() - timezone.timedelta(days=3)
    SessionRecord.objects.create(engine="db", expires_at=old)
    call_command("clearsessions", verbosity=0)
    assert SessionRecord.objects.count() == 1

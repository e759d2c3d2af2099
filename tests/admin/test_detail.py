from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

from shop.register.models import SessionRecord
from shop.register.redaction import REDACTED, redact
from tests.admin.conftest import GUEST_IP
from tests.admin.helpers import CHANGELIST, detail_url, server_side


def test_the_detail_page_describes_the_session(staff, shoppers):
    row = shoppers.guest_row
    page = staff.get(detail_url(row)).content.decode()
    for shown in ("guest", row.public_id, row.engine, GUEST_IP, "iPhone", "Mobile Safari 17"):
        assert shown in page, shown
    assert "£12.50" in page


def test_its_times_are_written_alike_with_how_long_ago(staff, shoppers):
    now = timezone.now()
    SessionRecord.objects.filter(pk=shoppers.guest_row.pk).update(
        created_at=now - timedelta(hours=3), last_seen=now - timedelta(hours=2)
    )
    row = shoppers.guest_row
    page = staff.get(detail_url(row)).content.decode()
    for moment in (row.created_at, row.last_seen, row.expires_at):
        assert date_format(timezone.localtime(moment), "DATETIME_FORMAT") in page
        assert str(moment) not in page
    assert "3\xa0hours ago)" in page and "2\xa0hours ago)" in page
    assert "from now)" in page  # when it expires


def test_it_shows_the_cart_readably(staff, shoppers):
    page = staff.get(detail_url(shoppers.guest_row)).content.decode()
    if server_side():
        assert "<td>Plum jam</td><td>2</td><td>£6.25</td><td>£12.50</td>" in page
    else:
        assert "the server cannot read it" in page


def test_it_shows_the_session_data_without_the_auth_hash(staff, shoppers):
    auth_hash = shoppers.ada_laptop.session["_auth_user_hash"]
    page = staff.get(detail_url(shoppers.laptop_row)).content.decode()
    assert auth_hash not in page
    if server_side():
        assert "_auth_user_id" in page and "_auth_user_backend" in page
        assert f"&quot;_auth_user_hash&quot;: &quot;{REDACTED}&quot;" in page
        assert "Green tea" in page
    else:
        assert "signed cookie" in page


def test_credential_like_keys_are_redacted_at_any_depth():
    data = {
        "_auth_user_id": "7",
        "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
        "_auth_user_hash": "abc",
        "prefs": {"theme": "dark", "api_key": "k", "steps": [{"reset_token": "t"}]},
        "Password": "p",
        "client_secret": "s",
    }
    assert redact(data) == {
        "_auth_user_id": "7",
        "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
        "_auth_user_hash": REDACTED,
        "prefs": {"theme": "dark", "api_key": REDACTED, "steps": [{"reset_token": REDACTED}]},
        "Password": REDACTED,
        "client_secret": REDACTED,
    }


def test_a_secret_stored_in_a_session_is_not_shown(staff, shoppers):
    session = shoppers.ada_phone.session
    session["payment"] = {"provider": "acme", "card_token": "tok_live_4242"}
    session.save()
    page = staff.get(detail_url(shoppers.phone_row)).content.decode()
    assert "tok_live_4242" not in page
    if server_side():
        assert "acme" in page


def test_the_session_key_is_in_no_admin_page(staff, shoppers):
    clients = (staff, shoppers.guest, shoppers.ada_laptop, shoppers.ada_phone)
    keys = {client.cookies[settings.SESSION_COOKIE_NAME].value for client in clients}
    assert len(keys) == 4 and "" not in keys
    pages = [
        CHANGELIST,
        f"{CHANGELIST}?q=ada",
        f"{CHANGELIST}?q={GUEST_IP}",
        f"{CHANGELIST}?who=guest&cart=yes",
        *(detail_url(r) for r in SessionRecord.objects.active()),
        f"{detail_url(shoppers.guest_row).removesuffix('change/')}history/",
    ]
    for url in pages:
        response = staff.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert not [key for key in keys if key in page], url


def test_the_detail_page_is_read_only(staff, shoppers):
    row = shoppers.guest_row
    response = staff.get(detail_url(row))
    assert 'name="_save"' not in response.content.decode()
    staff.post(detail_url(row), {"engine": "db", "cart_lines": "9"})
    row.refresh_from_db()
    assert row.cart_lines == 1


def test_it_has_no_add_or_delete(staff, shoppers):
    assert staff.get(f"{CHANGELIST}add/").status_code == 403
    delete = f"{detail_url(shoppers.guest_row).removesuffix('change/')}delete/"
    assert staff.post(delete, {"post": "yes"}).status_code == 403
    assert SessionRecord.objects.filter(pk=shoppers.guest_row.pk).exists()
    assert "delete_selected" not in staff.get(CHANGELIST).content.decode()

from datetime import timedelta
from decimal import Decimal

from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format

from shop.register.models import SessionRecord
from tests.admin.conftest import GUEST_IP, LAPTOP_IP
from tests.admin.helpers import CHANGELIST, columns, listed
from tests.register.helpers import make_user, record_of, sign_in


def test_the_admin_index_links_to_active_sessions(staff):
    response = staff.get("/admin/")
    assert 'href="/admin/register/sessionrecord/">Active sessions</a>' in response.content.decode()


def test_a_bookmark_from_when_the_register_lived_in_accounts_still_works(staff):
    response = staff.get("/admin/accounts/sessionrecord/?engine=db")
    assert response.status_code == 302
    assert response["Location"] == "/admin/register/sessionrecord/?engine=db"


def test_it_lists_the_guest_and_both_of_adas_sessions(staff, shoppers):
    rows = {shoppers.guest_row.pk, shoppers.laptop_row.pk, shoppers.phone_row.pk}
    response = staff.get(CHANGELIST)
    assert rows <= listed(response)
    page = response.content.decode()
    assert "guest" in page and "ada" in page
    assert GUEST_IP in page and LAPTOP_IP in page
    assert "iPhone" in page and "Chrome 120" in page
    assert "1 line, £12.50" in page  # the guest's cart


def test_it_lists_the_most_recently_seen_first(staff, shoppers):
    seen = [r.last_seen for r in staff.get(CHANGELIST).context["cl"].result_list]
    assert seen == sorted(seen, reverse=True)


def test_it_leaves_out_ended_and_expired_sessions(staff, shoppers, session_backend):
    make_user("bob")
    leaver = Client()
    sign_in(leaver, "bob")
    ended = record_of(leaver)
    leaver.post("/accounts/logout/")
    expired = SessionRecord.objects.create(
        engine=session_backend, expires_at=timezone.now() - timedelta(seconds=1)
    )
    shown = listed(staff.get(CHANGELIST))
    assert ended.pk not in shown and expired.pk not in shown
    assert shoppers.guest_row.pk in shown


def test_it_filters_signed_in_and_guests(staff, shoppers):
    guests = listed(staff.get(CHANGELIST, {"who": "guest"}))
    signed_in = listed(staff.get(CHANGELIST, {"who": "signed-in"}))
    assert guests == {shoppers.guest_row.pk}
    assert {shoppers.laptop_row.pk, shoppers.phone_row.pk} <= signed_in
    assert shoppers.guest_row.pk not in signed_in


def test_it_filters_sessions_with_a_cart(staff, shoppers):
    with_cart = listed(staff.get(CHANGELIST, {"cart": "yes"}))
    without = listed(staff.get(CHANGELIST, {"cart": "no"}))
    assert with_cart == {shoppers.guest_row.pk, shoppers.laptop_row.pk}
    assert shoppers.phone_row.pk in without and not with_cart & without


def test_it_filters_by_engine(staff, shoppers, session_backend):
    other = next(engine for engine in ("db", "cookie") if engine != session_backend)
    assert shoppers.guest_row.pk in listed(staff.get(CHANGELIST, {"engine": session_backend}))
    assert listed(staff.get(CHANGELIST, {"engine": other})) == set()


def test_search_matches_an_exact_username_email_or_ip(staff, shoppers):
    adas = {shoppers.laptop_row.pk, shoppers.phone_row.pk}
    assert listed(staff.get(CHANGELIST, {"q": "ada"})) == adas
    assert listed(staff.get(CHANGELIST, {"q": "ADA@example.com"})) == adas
    assert listed(staff.get(CHANGELIST, {"q": f" {GUEST_IP} "})) == {shoppers.guest_row.pk}
    assert listed(staff.get(CHANGELIST, {"q": "ad"})) == set()
    assert listed(staff.get(CHANGELIST, {"q": "203.0.113"})) == set()


def test_search_survives_input_that_is_no_ip_address(staff, shoppers):
    for term in ("not-an-ip", "1.2.3.999", "::g", "' OR 1=1 --", "ada ada"):
        assert listed(staff.get(CHANGELIST, {"q": term})) == set(), term


def test_the_summary_counts_sessions_guests_and_carts(staff, shoppers):
    summary = staff.get(CHANGELIST).context["summary"]
    # The guest, Ada twice and the staff member's own session.
    assert (summary["sessions"], summary["signed_in"], summary["guests"]) == (4, 3, 1)
    assert summary["carts"] == 2
    assert summary["cart_value"] == Decimal("15.00")  # 2 x 6.25 + 1 x 2.50


def test_the_summary_is_shown_on_the_page(staff, shoppers):
    page = staff.get(CHANGELIST).content.decode()
    assert '<th scope="row">Active sessions</th><td>4</td>' in page
    assert '<th scope="row">Value in carts</th><td>£15.00</td>' in page


def test_the_summary_is_cached_between_page_views(staff, shoppers):
    assert staff.get(CHANGELIST).context["summary"]["sessions"] == 4
    Client().post("/cart/add/999999/")  # refused: no row
    make_user("bob")
    sign_in(Client(), "bob")
    assert SessionRecord.objects.active().count() == 5
    assert staff.get(CHANGELIST).context["summary"]["sessions"] == 4


def test_it_has_the_columns_staff_read_and_sorts_by_last_seen_only(staff, shoppers):
    response = staff.get(CHANGELIST)
    assert columns(response) == [
        "user_label",
        "device_and_browser",
        "ip",
        "last_seen",
        "cart",
        "checkout_at",
    ]
    page = response.content.decode()
    assert "sortable column-last_seen" in page
    assert "sortable column-user_label" not in page
    assert listed(staff.get(CHANGELIST, {"o": "4"}))  # ?o= by last seen, ascending


def test_a_laptop_width_holds_the_list(staff, shoppers):
    """At most six columns: the times, engine and user agent are on the session's page."""
    assert len(columns(staff.get(CHANGELIST))) <= 6


def test_while_sessions_move_the_list_shows_their_engine(staff, shoppers, settings):
    settings.SESSION_MIGRATE_FROM = next(
        e for e in ("db", "cookie") if e != settings.SESSION_BACKEND
    )
    response = staff.get(CHANGELIST)
    assert columns(response)[-1] == "engine"
    assert f'<td class="field-engine">{settings.SESSION_BACKEND}</td>' in response.content.decode()


def test_the_rows_read_as_words_dates_and_pounds(staff, shoppers):
    page = staff.get(CHANGELIST).content.decode()
    assert "iPhone · Mobile Safari 17" in page
    assert "1 line, £12.50" in page and "1 line, £2.50" in page
    assert '<td class="field-cart">—</td>' in page  # Ada's phone: no cart
    seen = shoppers.guest_row.last_seen
    assert date_format(timezone.localtime(seen), "DATETIME_FORMAT") in page
    assert str(seen) not in page and seen.isoformat() not in page

from shop.register.models import SessionRecord
from tests.admin.helpers import (
    CHANGELIST,
    detail_url,
    end_url,
    end_user_url,
    messages_of,
    server_side,
    signed_in,
)
from tests.cart.helpers import cart_of


def test_the_detail_page_offers_both_buttons_for_a_signed_in_session(staff, shoppers):
    page = staff.get(detail_url(shoppers.laptop_row)).content.decode()
    assert f'action="{end_url(shoppers.laptop_row)}"' in page
    assert f'action="{end_user_url(shoppers.laptop_row)}"' in page
    assert "End this session" in page and "End all sessions of this user" in page


def test_a_guest_session_offers_only_ending_itself(staff, shoppers):
    page = staff.get(detail_url(shoppers.guest_row)).content.decode()
    assert "End this session" in page
    assert "End all sessions of this user" not in page


def test_ending_a_session_signs_that_client_out(staff, shoppers):
    laptop = shoppers.laptop_row
    response = staff.post(end_url(laptop), follow=True)
    assert response.redirect_chain == [(CHANGELIST, 302)]
    assert "Ended 1 session." in messages_of(response)
    assert laptop.pk not in {r.pk for r in response.context["cl"].result_list}
    assert not signed_in(shoppers.ada_laptop)
    assert "_auth_user_id" not in shoppers.ada_laptop.session
    assert signed_in(shoppers.ada_phone)


def test_ending_a_guest_session_drops_its_server_state(staff, shoppers):
    guest = shoppers.guest_row
    staff.post(end_url(guest))
    guest.refresh_from_db()
    assert guest.ended_at is not None
    if server_side():
        assert cart_of(shoppers.guest) == {}


def test_ending_all_of_a_users_sessions(staff, shoppers):
    response = staff.post(end_user_url(shoppers.phone_row), follow=True)
    assert "Ended 2 sessions." in messages_of(response)
    assert not signed_in(shoppers.ada_laptop)
    assert not signed_in(shoppers.ada_phone)
    assert SessionRecord.objects.active().filter(pk=shoppers.guest_row.pk).exists()


def test_ending_refreshes_the_summary(staff, shoppers):
    assert staff.get(CHANGELIST).context["summary"]["signed_in"] == 3
    response = staff.post(end_user_url(shoppers.laptop_row), follow=True)
    assert response.context["summary"]["signed_in"] == 1


def test_the_end_selected_action(staff, shoppers):
    chosen = [shoppers.guest_row.pk, shoppers.laptop_row.pk]
    response = staff.post(
        CHANGELIST, {"action": "end_selected", "_selected_action": chosen}, follow=True
    )
    assert "Ended 2 sessions." in messages_of(response)
    assert not SessionRecord.objects.active().filter(pk__in=chosen).exists()
    assert not signed_in(shoppers.ada_laptop)
    assert signed_in(shoppers.ada_phone)


def test_the_end_selected_users_action(staff, shoppers):
    chosen = [shoppers.guest_row.pk, shoppers.phone_row.pk]
    response = staff.post(
        CHANGELIST, {"action": "end_selected_users", "_selected_action": chosen}, follow=True
    )
    assert "Ended 2 sessions." in messages_of(response)  # Ada's two; the guest has no user
    assert not signed_in(shoppers.ada_laptop) and not signed_in(shoppers.ada_phone)
    assert SessionRecord.objects.active().filter(pk=shoppers.guest_row.pk).exists()

from shop.register.models import SessionRecord
from tests.admin.conftest import GUEST_IP, LAPTOP_IP, PHONE_IP
from tests.admin.helpers import (
    CHANGELIST,
    detail_url,
    end_url,
    end_user_url,
    messages_of,
    object_tools,
    server_side,
    signed_in,
)
from tests.cart.helpers import cart_of


def test_the_detail_page_offers_both_buttons_at_the_top(staff, shoppers):
    tools = object_tools(staff.get(detail_url(shoppers.laptop_row)))
    assert "History" in tools
    assert f'href="{end_url(shoppers.laptop_row)}" class="deletelink">End this session<' in tools
    end_user = f'href="{end_user_url(shoppers.laptop_row)}" class="deletelink"'
    assert f"{end_user}>End all sessions of this user<" in tools


def test_a_guest_session_offers_only_ending_itself(staff, shoppers):
    tools = object_tools(staff.get(detail_url(shoppers.guest_row)))
    assert "End this session" in tools
    assert "End all sessions of this user" not in tools


def test_ending_a_session_asks_first_and_changes_nothing(staff, shoppers):
    laptop = shoppers.laptop_row
    response = staff.get(end_url(laptop))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>End this session?</h1>" in page
    assert "ada" in page and LAPTOP_IP in page and "Chrome 120" in page and "£2.50" in page
    assert '<form method="post">' in page and 'value="Yes, end it"' in page
    assert f'<a href="{detail_url(laptop)}" class="button cancel-link">No, keep it</a>' in page
    assert signed_in(shoppers.ada_laptop)
    assert SessionRecord.objects.active().filter(pk=laptop.pk).exists()


def test_ending_a_guests_session_says_the_cart_goes_with_it(staff, shoppers):
    page = staff.get(end_url(shoppers.guest_row)).content.decode()
    assert "without the cart" in page and "1 line, £12.50" in page and GUEST_IP in page


def test_ending_all_of_a_users_sessions_lists_them_first(staff, shoppers):
    page = staff.get(end_user_url(shoppers.laptop_row)).content.decode()
    assert "<h1>End all sessions of ada?</h1>" in page
    assert LAPTOP_IP in page and PHONE_IP in page and GUEST_IP not in page
    assert "These 2 sessions end at once" in page and 'value="Yes, end all of them"' in page
    assert signed_in(shoppers.ada_laptop) and signed_in(shoppers.ada_phone)


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

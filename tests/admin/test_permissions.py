import pytest
from django.test import Client

from shop.register.models import SessionRecord
from tests.admin.helpers import (
    CHANGELIST,
    csrf_token_from,
    detail_url,
    end_url,
    end_user_url,
    signed_in,
    staff_member,
)


@pytest.fixture
def viewer(session_backend, db) -> Client:
    """Staff who may look at sessions but not end them."""
    return staff_member("vera", "view_sessionrecord")


@pytest.fixture
def ender(session_backend, db) -> Client:
    return staff_member("enzo", "view_sessionrecord", "end_session")


def test_staff_with_view_permission_see_the_list_without_actions(viewer, shoppers):
    response = viewer.get(CHANGELIST)
    assert response.status_code == 200
    assert response.context["action_form"] is None
    assert "End selected sessions" not in response.content.decode()


def test_staff_without_end_permission_see_no_buttons(viewer, shoppers):
    page = viewer.get(detail_url(shoppers.laptop_row)).content.decode()
    assert "End this session" not in page and "/end/" not in page


def test_staff_without_end_permission_cannot_end(viewer, shoppers):
    row = shoppers.laptop_row
    assert viewer.get(end_url(row)).status_code == 403
    assert viewer.get(end_user_url(row)).status_code == 403
    assert viewer.post(end_url(row)).status_code == 403
    assert viewer.post(end_user_url(row)).status_code == 403
    viewer.post(CHANGELIST, {"action": "end_selected", "_selected_action": [row.pk]})
    assert SessionRecord.objects.active().filter(pk=row.pk).exists()
    assert signed_in(shoppers.ada_laptop)


def test_staff_with_end_permission_can_end(ender, shoppers):
    row = shoppers.laptop_row
    assert "End this session" in ender.get(detail_url(row)).content.decode()
    assert ender.post(end_url(row)).status_code == 302
    assert not signed_in(shoppers.ada_laptop)


def test_staff_without_view_permission_are_refused(session_backend, shoppers):
    nobody = staff_member("nora")
    assert nobody.get(CHANGELIST).status_code == 403
    assert nobody.get(detail_url(shoppers.guest_row)).status_code == 403
    assert "Active sessions" not in nobody.get("/admin/").content.decode()


def test_non_staff_are_sent_to_the_admin_login(shoppers):
    ada = shoppers.ada_phone
    row = shoppers.laptop_row
    for response in (ada.get(CHANGELIST), ada.get(end_url(row)), ada.post(end_url(row))):
        assert response.status_code == 302
        assert response.url.startswith("/admin/login/")
    assert signed_in(shoppers.ada_laptop)


def test_the_end_urls_only_ask_on_get_and_refuse_other_methods(staff, shoppers):
    assert staff.get(end_url(shoppers.laptop_row)).status_code == 200
    assert staff.get(end_user_url(shoppers.laptop_row)).status_code == 200
    assert staff.put(end_url(shoppers.laptop_row)).status_code == 405
    assert staff.delete(end_user_url(shoppers.laptop_row)).status_code == 405
    assert signed_in(shoppers.ada_laptop)


def test_the_end_urls_need_a_csrf_token(session_backend, shoppers, django_user_model):
    boss = django_user_model.objects.create_superuser("boss", "boss@example.com", "unused")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(boss)
    row = shoppers.laptop_row
    token = csrf_token_from(browser.get(detail_url(row)))
    assert browser.post(end_url(row)).status_code == 403
    assert browser.post(end_user_url(row)).status_code == 403
    assert signed_in(shoppers.ada_laptop)
    assert browser.post(end_url(row), {"csrfmiddlewaretoken": token}).status_code == 302
    assert not signed_in(shoppers.ada_laptop)


def test_unknown_or_ended_sessions_are_not_found(staff, shoppers):
    row = shoppers.laptop_row
    assert staff.post(f"{CHANGELIST}999999/end/").status_code == 404
    assert staff.post(f"{CHANGELIST}abc/end/").status_code == 404
    assert staff.post(end_url(row)).status_code == 302
    assert staff.post(end_url(row)).status_code == 404
    assert staff.get(end_url(row)).status_code == 404


def test_a_guest_session_has_no_user_to_end(staff, shoppers):
    assert staff.post(end_user_url(shoppers.guest_row)).status_code == 404
    assert staff.get(end_user_url(shoppers.guest_row)).status_code == 404
    assert SessionRecord.objects.active().filter(pk=shoppers.guest_row.pk).exists()

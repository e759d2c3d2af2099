import pytest
from django.test import Client

from tests.accounts.helpers import (
    NEW_PASSWORD,
    PASSWORD,
    field_errors,
    make_user,
    sign_in,
    signed_in_user_id,
)

pytestmark = pytest.mark.django_db


def change_password(client, **fields):
    data = {
        "old_password": PASSWORD,
        "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
        **fields,
    }
    return client.post("/accounts/password/", data)


def test_guests_are_sent_to_sign_in(client):
    response = client.get("/accounts/password/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/accounts/password/"


def test_it_shows_the_form(client):
    client.force_login(make_user())
    response = client.get("/accounts/password/")
    assert response.status_code == 200
    for name in ("old_password", "new_password1", "new_password2"):
        assert f'name="{name}"' in response.content.decode()


def test_changing_the_password_keeps_you_signed_in(client):
    user = make_user()
    sign_in(client)
    response = change_password(client)
    assert response.status_code == 302
    assert response.url == "/accounts/password/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert signed_in_user_id(client) == str(user.pk)
    page = client.get("/accounts/password/")
    assert page.status_code == 200
    assert "Your password was changed." in page.content.decode()


def test_other_sessions_are_signed_out_by_the_change(client):
    make_user()
    other_device = Client()
    sign_in(other_device)
    sign_in(client)
    change_password(client)
    assert other_device.get("/accounts/password/").status_code == 302
    assert signed_in_user_id(other_device) is None


def test_a_wrong_old_password_is_shown_beside_it(client):
    user = make_user()
    client.force_login(user)
    response = change_password(client, old_password="not-the-password")
    assert response.status_code == 200
    assert "Your old password was entered incorrectly." in field_errors(response, "old_password")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_mismatched_new_passwords_are_shown_beside_the_confirmation(client):
    client.force_login(make_user())
    response = change_password(client, new_password2="something-else-55")
    assert response.status_code == 200
    assert "didn’t match" in field_errors(response, "new_password2")


def test_it_refuses_a_post_without_a_csrf_token(csrf_client):
    user = make_user()
    csrf_client.force_login(user)
    response = change_password(csrf_client)
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_owner_is_told_by_mail(client, mailoutbox):
    client.force_login(make_user())
    change_password(client)
    [mail] = mailoutbox
    assert mail.to == ["ada@example.com"]
    assert "password of your Larder & Loom account was just changed" in mail.body

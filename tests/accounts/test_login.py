import pytest
from django.conf import settings

from shop.sessions.lifetime import ENDED_NOTICE_SECONDS
from tests.accounts.helpers import (
    PASSWORD,
    csrf_token_from,
    form_errors,
    has_server_state,
    make_user,
    session_cookie,
    sign_in,
    signed_in_user_id,
    start_guest_session,
    stored,
)

pytestmark = pytest.mark.django_db


def session_morsel(response):
    return response.cookies[settings.SESSION_COOKIE_NAME]


def test_it_shows_the_form(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    for name in ("username", "password", "remember_me"):
        assert f'name="{name}"' in response.content.decode()


def test_signing_in_goes_home(client):
    user = make_user()
    response = sign_in(client)
    assert response.status_code == 302
    assert response.url == "/"
    assert signed_in_user_id(client) == str(user.pk)


def test_it_welcomes_you_back_by_name(client):
    user = make_user()
    user.first_name = "Ada"
    user.save()
    sign_in(client)
    response = client.get("/accounts/password/")
    assert "Welcome back, Ada." in response.content.decode()


def test_a_wrong_password_shows_an_error_and_leaves_you_a_guest(client):
    make_user()
    response = sign_in(client, password="not-the-password")
    assert response.status_code == 200
    assert "Please enter a correct username and password." in form_errors(response)
    assert signed_in_user_id(client) is None


def test_signing_in_rotates_the_session_key_and_keeps_the_guest_data(client):
    make_user()
    guest_key = start_guest_session(client)
    sign_in(client)
    assert session_cookie(client) != guest_key
    assert client.session["guest_note"] == "kept"
    if has_server_state():
        assert not stored(guest_key)
        assert stored(session_cookie(client))


def test_without_remember_me_the_session_ends_when_the_browser_closes(client):
    make_user()
    response = sign_in(client)
    assert client.session.get_expire_at_browser_close()
    assert session_morsel(response)["max-age"] == ""
    assert session_morsel(response)["expires"] == ""


def test_with_remember_me_the_cookie_persists_for_the_remembered_lifetime(client):
    make_user()
    response = sign_in(client, remember_me="on")
    assert not client.session.get_expire_at_browser_close()
    lasts = settings.SESSION_REMEMBER_SECONDS + ENDED_NOTICE_SECONDS
    assert lasts - 5 <= session_morsel(response)["max-age"] <= lasts


def test_remember_me_can_be_turned_off_at_the_next_sign_in(client):
    make_user()
    sign_in(client, remember_me="on")
    sign_in(client)
    assert client.session.get_expire_at_browser_close()


def test_it_goes_to_a_safe_next(client):
    make_user()
    response = sign_in(client, next="/cart/")
    assert response.url == "/cart/"


def test_it_ignores_a_next_on_another_site(client):
    make_user()
    response = sign_in(client, next="http://evil.example/")
    assert response.url == "/"


def test_the_form_carries_a_safe_next_along(client):
    response = client.get("/accounts/login/?next=/cart/")
    assert 'name="next" value="/cart/"' in response.content.decode()


def test_it_refuses_a_post_without_a_csrf_token(csrf_client):
    make_user()
    guest_key = start_guest_session(csrf_client)
    response = sign_in(csrf_client)
    assert response.status_code == 403
    assert signed_in_user_id(csrf_client) is None
    assert session_cookie(csrf_client) == guest_key


def test_it_accepts_the_forms_own_csrf_token(csrf_client):
    make_user()
    token = csrf_token_from(csrf_client.get("/accounts/login/"))
    response = sign_in(csrf_client, csrfmiddlewaretoken=token)
    assert response.status_code == 302
    assert signed_in_user_id(csrf_client) is not None


def test_the_password_never_comes_back_in_the_page(client):
    make_user()
    response = sign_in(client, password=PASSWORD + "x")
    assert PASSWORD not in response.content.decode()

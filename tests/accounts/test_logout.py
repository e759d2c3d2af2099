import pytest

from tests.accounts.helpers import (
    csrf_token_from,
    has_server_state,
    make_user,
    session_cookie,
    signed_in_user_id,
    stored,
)

pytestmark = pytest.mark.django_db


def test_signing_out_ends_the_session_on_the_server(client):
    client.force_login(make_user())
    key = session_cookie(client)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response.url == "/"
    assert signed_in_user_id(client) is None
    # The cookie engine keeps nothing on the server: its cookie is what gets replaced.
    assert session_cookie(client) != key
    if has_server_state():
        assert not stored(key)


def test_it_says_you_have_been_signed_out(client):
    client.force_login(make_user())
    client.post("/accounts/logout/")
    response = client.get("/accounts/login/")
    assert "You have been signed out." in response.content.decode()


def test_a_get_is_refused_with_a_clear_405_and_signs_no_one_out(client):
    client.force_login(make_user())
    response = client.get("/accounts/logout/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "only accepts POST" in response.content.decode()
    assert signed_in_user_id(client) is not None


def test_it_refuses_a_post_without_a_csrf_token(csrf_client):
    user = make_user()
    csrf_client.force_login(user)
    key = session_cookie(csrf_client)
    response = csrf_client.post("/accounts/logout/")
    assert response.status_code == 403
    assert signed_in_user_id(csrf_client) == str(user.pk)
    if has_server_state():
        assert stored(key)


def test_the_sign_out_button_on_every_page_works(csrf_client):
    csrf_client.force_login(make_user())
    token = csrf_token_from(csrf_client.get("/accounts/sessions/"))
    response = csrf_client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert signed_in_user_id(csrf_client) is None

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.test import Client

from shop.sessions.config import RATE_LIMITS_CACHE_ALIAS
from tests.accounts.helpers import (
    PASSWORD,
    csrf_token_from,
    field_errors,
    has_server_state,
    make_user,
    session_cookie,
    signed_in_user_id,
    start_guest_session,
    stored,
)

pytestmark = pytest.mark.django_db


def sign_up(client, **fields):
    data = {
        "username": "grace",
        "email": "grace@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **fields,
    }
    return client.post("/accounts/signup/", data)


def test_it_shows_the_form(client):
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    for name in ("username", "email", "password1", "password2"):
        assert f'name="{name}"' in response.content.decode()


def test_signing_up_signs_you_in_and_goes_home(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert response.url == "/"
    user = get_user_model().objects.get(username="grace")
    assert user.email == "grace@example.com"
    assert user.check_password(PASSWORD)
    assert signed_in_user_id(client) == str(user.pk)


def test_it_says_the_account_was_created(client):
    response = sign_up(client)
    response = client.get("/accounts/password/")
    assert "Your account was created." in response.content.decode()


def test_it_goes_to_a_safe_next(client):
    response = sign_up(client, next="/cart/")
    assert response.url == "/cart/"


def test_it_ignores_a_next_on_another_site(client):
    response = sign_up(client, next="http://evil.example/")
    assert response.url == "/"


def test_it_rotates_the_session_key_and_keeps_the_guest_data(client):
    guest_key = start_guest_session(client)
    sign_up(client)
    assert session_cookie(client) != guest_key
    assert client.session["guest_note"] == "kept"
    if has_server_state():
        assert not stored(guest_key)
        assert stored(session_cookie(client))


def test_a_taken_username_is_shown_beside_the_username(client):
    make_user("grace", email="someone@example.com")
    response = sign_up(client, username="Grace")
    assert response.status_code == 200
    assert "A user with that username already exists." in field_errors(response, "username")
    assert get_user_model().objects.count() == 1
    assert signed_in_user_id(client) is None


def test_a_taken_email_in_any_case_is_shown_beside_the_email(client):
    make_user("ada", email="grace@example.com")
    response = sign_up(client, email="GRACE@Example.COM")
    assert response.status_code == 200
    assert "An account with this email already exists." in field_errors(response, "email")
    assert get_user_model().objects.count() == 1


def test_an_email_is_required(client):
    response = sign_up(client, email="")
    assert response.status_code == 200
    assert "This field is required." in field_errors(response, "email")
    assert not get_user_model().objects.exists()


def test_mismatched_passwords_are_shown_beside_the_confirmation(client):
    response = sign_up(client, password2="a-different-one-77")
    assert response.status_code == 200
    assert "The two password fields didn’t match." in field_errors(response, "password2")
    assert not get_user_model().objects.exists()


def test_a_weak_password_is_shown_beside_the_confirmation(client):
    response = sign_up(client, password1="1234567", password2="1234567")
    assert response.status_code == 200
    errors = field_errors(response, "password2")
    assert "This password is too common." in errors
    assert "This password is too short." in errors
    assert "This password is entirely numeric." in errors
    assert not get_user_model().objects.exists()
    assert signed_in_user_id(client) is None


def test_an_invalid_form_keeps_what_was_typed_except_passwords(client):
    response = sign_up(client, password2="a-different-one-77")
    page = response.content.decode()
    assert 'value="grace@example.com"' in page
    assert PASSWORD not in page


def test_it_refuses_a_post_without_a_csrf_token(csrf_client):
    response = sign_up(csrf_client)
    assert response.status_code == 403
    assert not get_user_model().objects.exists()
    assert signed_in_user_id(csrf_client) is None


def test_it_accepts_the_forms_own_csrf_token(csrf_client):
    token = csrf_token_from(csrf_client.get("/accounts/signup/"))
    response = sign_up(csrf_client, csrfmiddlewaretoken=token)
    assert response.status_code == 302
    assert signed_in_user_id(csrf_client) is not None


def test_it_answers_other_methods_with_405(client):
    assert client.put("/accounts/signup/").status_code == 405


def test_sign_ups_are_limited_per_address_and_only_an_account_made_counts(settings):
    caches[RATE_LIMITS_CACHE_ALIAS].clear()
    settings.SIGNUP_RATE = "2/h"
    for attempt in range(5):  # a mistyped form counts nothing
        assert (
            sign_up(Client(), username=f"typo{attempt}", password2="not the same").status_code
            == 200
        )
    for name in ("ada", "alan"):
        assert sign_up(Client(), username=name, email=f"{name}@example.com").status_code == 302

    refused = sign_up(Client(), username="grace", email="grace@example.com")

    assert refused.status_code == 429
    assert "Too many new accounts from your address" in refused.content.decode()
    assert not get_user_model().objects.filter(username="grace").exists()

"""Sign-in throttling: repeated failures for one username from one address pause that pair."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.accounts.helpers import (
    OTHER_ADDRESS,
    PASSWORD,
    WRONG_PASSWORD,
    fail_until_locked_out,
    form_errors,
    make_user,
    sign_in,
    signed_in_user_id,
)
from tests.cart.helpers import add

pytestmark = pytest.mark.django_db

AXES_MIDDLEWARE = "axes.middleware.AxesMiddleware"


def test_the_limit_and_cool_off_have_safe_defaults():
    assert settings.SIGNIN_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(seconds=900)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_failures_below_the_limit_show_the_forms_error(client):
    make_user()
    for _ in range(settings.SIGNIN_FAILURE_LIMIT - 1):
        response = sign_in(client, password=WRONG_PASSWORD)
        assert response.status_code == 200
        assert "Please enter a correct username and password." in form_errors(response)


def test_the_last_allowed_failure_locks_out_with_a_429_that_says_how_long(client):
    make_user()
    response = fail_until_locked_out(client)
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    page = response.content.decode()
    assert "Too many failed sign-ins for this username from your address." in page
    assert "Please wait 15 minutes" in page


def test_the_right_password_is_refused_during_the_cool_off(client):
    make_user()
    fail_until_locked_out(client)
    response = sign_in(client)
    assert response.status_code == 429
    assert signed_in_user_id(client) is None


def test_the_lockout_page_looks_like_the_shop_and_offers_a_reset(client):
    make_user()
    page = fail_until_locked_out(client).content.decode()
    assert "Sign-in paused" in page
    assert 'class="site-header"' in page
    assert 'href="/accounts/password/reset/"' in page


def test_json_clients_get_a_json_error(client):
    make_user()
    fail_until_locked_out(client)
    response = client.post(
        "/accounts/login/",
        {"username": "ada", "password": PASSWORD},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.json()["error"]


def test_the_same_user_can_still_sign_in_from_another_address(client):
    user = make_user()
    fail_until_locked_out(client)
    elsewhere = Client(REMOTE_ADDR=OTHER_ADDRESS)
    response = sign_in(elsewhere)
    assert response.status_code == 302
    assert signed_in_user_id(elsewhere) == str(user.pk)


def test_another_user_can_still_sign_in_from_the_same_address(client):
    make_user()
    grace = make_user("grace")
    fail_until_locked_out(client)
    response = sign_in(client, username="grace")
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(grace.pk)


def test_a_success_starts_the_count_afresh(client):
    make_user()
    for _ in range(settings.SIGNIN_FAILURE_LIMIT - 1):
        sign_in(client, password=WRONG_PASSWORD)
    assert sign_in(client).status_code == 302
    later = Client()
    for _ in range(settings.SIGNIN_FAILURE_LIMIT - 1):
        assert sign_in(later, password=WRONG_PASSWORD).status_code == 200
    assert sign_in(later).status_code == 302


def test_sign_in_works_again_after_the_cool_off(client):
    user = make_user()
    fail_until_locked_out(client)
    cooled_off = timezone.now() - timedelta(seconds=settings.SIGNIN_COOLOFF_SECONDS + 1)
    AccessAttempt.objects.update(attempt_time=cooled_off)
    assert sign_in(client).status_code == 302
    assert signed_in_user_id(client) == str(user.pk)


def test_the_admin_login_is_locked_out_too(client, django_user_model):
    django_user_model.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    response = fail_until_locked_out(client, "boss", "/admin/login/")
    assert response.status_code == 429
    right = client.post("/admin/login/", {"username": "boss", "password": PASSWORD})
    assert right.status_code == 429
    assert signed_in_user_id(client) is None


def test_staff_see_the_failures_in_the_admin(client, django_user_model):
    make_user()
    fail_until_locked_out(Client(REMOTE_ADDR=OTHER_ADDRESS))
    client.force_login(django_user_model.objects.create_superuser("boss", "b@example.com", "x"))
    for page in ("/admin/axes/accessattempt/", "/admin/axes/accessfailurelog/"):
        response = client.get(page)
        assert response.status_code == 200
        assert "ada" in response.content.decode()
        assert OTHER_ADDRESS in response.content.decode()


def test_the_password_is_never_recorded(client):
    make_user()
    fail_until_locked_out(client)
    assert WRONG_PASSWORD not in AccessAttempt.objects.get().post_data


def test_a_form_with_missing_fields_is_answered_not_counted(client):
    make_user()
    for _ in range(settings.SIGNIN_FAILURE_LIMIT + 1):
        response = client.post("/accounts/login/", {"username": "ada"})
        assert response.status_code == 200
    assert not AccessAttempt.objects.exists()
    assert sign_in(client).status_code == 302


def test_throttling_adds_no_query_to_ordinary_pages(client, make_product):
    product = make_product()
    make_user()
    sign_in(client)
    add(client, product, "1")
    without_axes = [m for m in settings.MIDDLEWARE if m != AXES_MIDDLEWARE]
    for url in ("/", "/products/", f"/products/{product.slug}/", "/cart/"):
        client.get(url)  # any first-visit bookkeeping is behind us
        with CaptureQueriesContext(connection) as with_throttling:
            assert client.get(url).status_code == 200
        with override_settings(MIDDLEWARE=without_axes):
            bare = Client()
            bare.cookies = client.cookies
            with CaptureQueriesContext(connection) as without_throttling:
                assert bare.get(url).status_code == 200
        assert len(with_throttling) == len(without_throttling), url


@pytest.mark.parametrize("page", ["/accounts/login/", "/admin/login/"])
def test_a_username_longer_than_any_account_can_have_is_an_error_beside_the_field(
    csrf_client, page
):
    """Longer than the throttle's table takes (255): a 500 on PostgreSQL, before."""
    login = csrf_client.get(page)
    token = login.cookies[settings.CSRF_COOKIE_NAME].value
    form = {"username": "a" * 300, "password": WRONG_PASSWORD, "csrfmiddlewaretoken": token}
    response = csrf_client.post(page, form)
    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [
        "Ensure this value has at most 150 characters (it has 300)."
    ]
    assert not AccessAttempt.objects.exists(), "nothing to throttle: no account has that name"

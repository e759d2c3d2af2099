import pytest

from tests.accounts.helpers import make_user

pytestmark = pytest.mark.django_db


def test_guests_are_sent_to_sign_in(client):
    response = client.get("/accounts/sessions/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/accounts/sessions/"


def test_a_signed_in_user_sees_their_devices_page(client):
    client.force_login(make_user())
    response = client.get("/accounts/sessions/")
    assert response.status_code == 200
    assert "Your devices" in response.content.decode()

"""Password reset: the same answer for any address, a one-time link by mail, and a new
password that ends every session of the user, on every engine."""

import re

import pytest
from django.conf import settings
from django.test import Client

from shop.register.models import SessionRecord
from tests.accounts.helpers import (
    NEW_PASSWORD,
    PASSWORD,
    csrf_token_from,
    fail_until_locked_out,
    field_errors,
    make_user,
    session_cookie,
    sign_in,
    signed_in_user_id,
)
from tests.cart.helpers import add

pytestmark = pytest.mark.django_db

RESET = "/accounts/password/reset/"
LINK = re.compile(r"https?://testserver(/accounts/password/reset/[^/\s]+/[^/\s]+/)")


def ask_for_reset(client, email: str = "ada@example.com", **extra):
    return client.post(RESET, {"email": email}, **extra)


def link_in(mail) -> str:
    match = LINK.search(mail.body)
    assert match, mail.body
    return match.group(1)


def set_password(client, link: str, password: str = NEW_PASSWORD, confirmation: str = ""):
    """Follow the mailed link to its form and set the password there."""
    form = client.get(link, follow=True)
    assert form.status_code == 200
    url = form.redirect_chain[-1][0]
    return client.post(url, {"new_password1": password, "new_password2": confirmation or password})


def test_it_shows_the_form(client):
    response = client.get(RESET)
    assert response.status_code == 200
    assert 'name="email"' in response.content.decode()


def test_the_sign_in_page_links_to_it(client):
    assert f'href="{RESET}"' in client.get("/accounts/login/").content.decode()


def test_a_known_address_gets_a_mail_with_a_link(client, mailoutbox):
    make_user()
    response = ask_for_reset(client)
    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/sent/"
    [mail] = mailoutbox
    assert mail.to == ["ada@example.com"]
    assert mail.from_email == settings.DEFAULT_FROM_EMAIL
    assert mail.subject == "Reset your Larder & Loom password"
    assert link_in(mail)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, mailoutbox):
    make_user()
    known = ask_for_reset(client)
    unknown = ask_for_reset(Client(), "nobody@example.com")
    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    assert len(mailoutbox) == 1
    assert client.get(unknown.url).content == Client().get(known.url).content


def test_the_address_is_matched_whatever_its_case(client, mailoutbox):
    make_user()
    ask_for_reset(client, "  ADA@Example.com ")
    assert [mail.to for mail in mailoutbox] == [["ada@example.com"]]


def test_the_link_sets_a_new_password(client, mailoutbox):
    user = make_user()
    ask_for_reset(client)
    response = set_password(client, link_in(mailoutbox[0]))
    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert "Your password was changed" in client.get(response.url).content.decode()
    assert sign_in(Client(), password=NEW_PASSWORD).status_code == 302
    notice = mailoutbox[-1]
    assert len(mailoutbox) == 2 and "was just changed" in notice.body  # the owner is told


def test_a_link_used_once_is_refused_the_second_time(client, mailoutbox):
    user = make_user()
    ask_for_reset(client)
    link = link_in(mailoutbox[0])
    set_password(client, link)
    again = Client().get(link, follow=True)
    assert again.status_code == 400
    assert "already used or has expired" in again.content.decode()
    assert 'name="new_password1"' not in again.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    "path",
    ["MQ/not-a-token/", "not-base64!/abc-123/", "OTk5OTk5/abc-123/", "MQ/set-password/"],
    ids=["a bad token", "a garbled user id", "an unknown user id", "no token in the session"],
)
def test_a_bad_link_gets_a_clear_page_not_an_error(client, path):
    make_user()
    response = client.get(RESET + path, follow=True)
    assert response.status_code == 400
    assert "This link no longer works" in response.content.decode()


def test_mismatched_passwords_are_shown_beside_the_confirmation(client, mailoutbox):
    user = make_user()
    ask_for_reset(client)
    response = set_password(client, link_in(mailoutbox[0]), confirmation="something-else-55")
    assert response.status_code == 200
    assert "didn’t match" in field_errors(response, "new_password2")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_new_password_signs_out_every_session_of_the_user(client, mailoutbox, make_product):
    user = make_user()
    laptop, phone = Client(), Client()
    sign_in(laptop)
    sign_in(phone)
    copied = Client()  # e.g. a stolen cookie: a signed one cannot be recalled from the thief
    copied.cookies[settings.SESSION_COOKIE_NAME] = session_cookie(laptop)
    ask_for_reset(client)
    set_password(client, link_in(mailoutbox[0]))
    assert not SessionRecord.objects.active().filter(user=user).exists()
    assert laptop.get("/accounts/password/").status_code == 302
    assert signed_in_user_id(laptop) is None
    add(phone, make_product(), "1")
    assert signed_in_user_id(phone) is None
    assert copied.get("/accounts/password/").status_code == 302
    assert signed_in_user_id(copied) is None


def test_other_users_stay_signed_in(client, mailoutbox):
    make_user()
    grace = make_user("grace")
    other = Client()
    sign_in(other, username="grace")
    ask_for_reset(client)
    set_password(client, link_in(mailoutbox[0]))
    assert other.get("/accounts/password/").status_code == 200
    assert signed_in_user_id(other) == str(grace.pk)


def test_a_reset_lifts_a_sign_in_lockout(client, mailoutbox):
    make_user()
    fail_until_locked_out(client)
    ask_for_reset(client)
    set_password(client, link_in(mailoutbox[0]))
    assert sign_in(client, password=NEW_PASSWORD).status_code == 302


def test_a_missing_address_is_shown_beside_the_field(client, mailoutbox):
    response = client.post(RESET, {})
    assert response.status_code == 200
    assert "This field is required." in field_errors(response, "email")
    assert not mailoutbox


def test_another_method_is_refused(client):
    assert client.delete(RESET).status_code == 405


def test_it_refuses_a_post_without_a_csrf_token(csrf_client, mailoutbox):
    make_user()
    assert ask_for_reset(csrf_client).status_code == 403
    assert not mailoutbox


def test_it_accepts_the_forms_own_csrf_token(csrf_client, mailoutbox):
    make_user()
    token = csrf_token_from(csrf_client.get(RESET))
    response = csrf_client.post(RESET, {"email": "ada@example.com", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert len(mailoutbox) == 1


def test_a_mail_server_that_is_down_changes_nothing_for_the_client(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    make_user()
    response = ask_for_reset(client)
    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/sent/"


class TestTheRateLimit:
    """PASSWORD_RESET_RATE (5/h) requests per client address and per email address."""

    LIMIT = 5

    def test_past_the_limit_from_one_address_a_429_and_no_mail(self, client, mailoutbox):
        make_user()
        for _ in range(self.LIMIT):
            assert ask_for_reset(client).status_code == 302
        response = ask_for_reset(client)
        assert response.status_code == 429
        assert "Too many password reset requests" in response.content.decode()
        assert len(mailoutbox) == self.LIMIT

    def test_every_address_asked_for_counts_against_the_client(self, client, mailoutbox):
        for n in range(self.LIMIT):
            ask_for_reset(client, f"someone{n}@example.com")
        make_user()
        assert ask_for_reset(client).status_code == 429
        assert not mailoutbox

    def test_one_email_address_is_limited_from_every_client(self, client, mailoutbox):
        make_user()
        for n in range(self.LIMIT):
            assert ask_for_reset(Client(REMOTE_ADDR=f"198.51.100.{n}")).status_code == 302
        assert ask_for_reset(client, "Ada@Example.com").status_code == 429
        assert len(mailoutbox) == self.LIMIT

    def test_other_clients_and_addresses_are_unaffected(self, client, mailoutbox):
        make_user()
        make_user("grace")
        for _ in range(self.LIMIT + 1):
            ask_for_reset(client)
        elsewhere = Client(REMOTE_ADDR="198.51.100.200")
        assert ask_for_reset(elsewhere, "grace@example.com").status_code == 302
        assert mailoutbox[-1].to == ["grace@example.com"]

    def test_json_clients_get_a_json_error(self, client):
        for _ in range(self.LIMIT):
            ask_for_reset(client)
        response = ask_for_reset(client, HTTP_ACCEPT="application/json")
        assert response.status_code == 429
        assert "Too many password reset requests" in response.json()["error"]

    def test_showing_the_form_is_not_counted(self, client):
        for _ in range(self.LIMIT + 1):
            assert client.get(RESET).status_code == 200
        assert ask_for_reset(client).status_code == 302

    def test_the_rate_comes_from_the_setting(self, client, settings):
        settings.PASSWORD_RESET_RATE = "1/m"
        assert ask_for_reset(client).status_code == 302
        assert ask_for_reset(client).status_code == 429

    def test_no_other_spelling_of_the_address_gets_past_its_limit(self, client, mailoutbox):
        make_user(email="staff@example.com")
        for n in range(self.LIMIT):
            elsewhere = Client(REMOTE_ADDR=f"198.51.100.{n}")
            assert ask_for_reset(elsewhere, "staff@example.com").status_code == 302
        for spelling in ("\u017ftaff@example.com", "STAFF@EXAMPLE.COM", "ｓtaff@example.com"):
            # ſ (long s) and a full-width s: Django matches both to the account
            assert ask_for_reset(client, spelling).status_code == 429
        assert len(mailoutbox) == self.LIMIT

    def test_the_owner_still_gets_a_mail_from_where_they_sign_in(self, mailoutbox):
        make_user()
        at_home = Client(REMOTE_ADDR="203.0.113.5")
        sign_in(at_home)
        at_home.post("/accounts/logout/")
        for n in range(self.LIMIT + 3):  # strangers use up the address's limit
            ask_for_reset(Client(REMOTE_ADDR=f"198.51.100.{n}"))
        assert ask_for_reset(Client(REMOTE_ADDR="198.51.100.99")).status_code == 429

        assert ask_for_reset(Client(REMOTE_ADDR="203.0.113.5")).status_code == 302
        assert mailoutbox[-1].to == ["ada@example.com"]
        assert len(mailoutbox) == self.LIMIT + 1

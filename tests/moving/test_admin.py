"""While sessions move: staff see how many are still on the old engine, read those the old
store keeps on the server, and end them there."""

from django.core.cache import cache

from shop.register.ending import end_sessions
from shop.register.models import SessionRecord
from shop.register.summary import SUMMARY_CACHE_KEY
from shop.sessions.config import store_class
from tests.accounts.helpers import make_user, session_cookie, sign_in
from tests.cart.helpers import add, cart_of
from tests.moving.conftest import client_with

CHANGELIST = "/admin/register/sessionrecord/"


def staff_client(django_user_model):
    boss = django_user_model.objects.create_superuser("boss", "boss@example.com", "unused")
    client = client_with("")
    client.force_login(boss)
    return client


def test_staff_see_read_and_end_sessions_still_on_the_old_engine(
    switch, make_product, django_user_model
):
    make_user()
    product = make_product()
    with switch.before():
        shopper, guest = client_with(""), client_with("")
        sign_in(shopper)
        add(guest, product)
        cookies = session_cookie(shopper), session_cookie(guest)
    waiting = SessionRecord.objects.get(user__username="ada")
    cache.delete(SUMMARY_CACHE_KEY)

    with switch.after():
        staff = staff_client(django_user_model)
        summary = staff.get(CHANGELIST).context["summary"]
        assert (summary["old_engine"], summary["on_old_engine"]) == (switch.old, 2)
        detail = staff.get(f"{CHANGELIST}{waiting.pk}/change/").content.decode()
        if store_class(switch.old).server_side:
            assert "&quot;_auth_user_id&quot;" in detail  # read from the old store
        else:
            assert "signed cookie: the server cannot read it" in detail

        assert end_sessions(SessionRecord.objects.filter(user=None)) == 1
        assert end_sessions(SessionRecord.objects.filter(pk=waiting.pk)) == 1
        shopper, guest = client_with(cookies[0]), client_with(cookies[1])
        assert not shopper.get("/cart/").context["user"].is_authenticated
        assert guest.get("/cart/").status_code == 200 and cart_of(guest) == {}

"""Django writes a whole session at the end of a request; concurrent cart changes on one
session must still all count on the engines that keep state on the server."""

from importlib import import_module

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django_redis import get_redis_connection

from shop.sessions.middleware import SessionMiddleware
from tests.accounts.helpers import make_user, sign_in
from tests.cart.helpers import add, add_at_once, cart_of

THREADS, ADDS_EACH = 6, 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_adds_on_one_session_all_count(client, session_backend, make_product, settings):
    if session_backend == "cookie":
        pytest.skip("a cookie session is whatever the browser sends last: there is no server copy")
    settings.ORDER_MAX_PER_LINE = 99  # every add must be kept: none may meet the limit
    product = make_product(stock=99)
    add(client, product, "1")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    codes = add_at_once(cookie, product, THREADS, ADDS_EACH)
    assert codes == [302] * THREADS * ADDS_EACH
    assert cart_of(client) == {product.id: 1 + THREADS * ADDS_EACH}


@pytest.mark.django_db
def test_a_change_whose_hold_on_the_session_was_lost_is_refused_and_can_be_sent_again(
    client, session_backend, make_product
):
    """The redis engine's hold is a lock that expires (a request that outlived it) or vanishes
    (a failover promoted a replica that never saw it): the change is not written over
    whatever came meanwhile, and the shopper is told to try again: the session is intact."""
    if session_backend != "redis":
        pytest.skip("only the redis engine holds a session by a lock that can expire")
    product = make_product()
    add(client, product, "1")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    def lose_the_hold_then_change(request):
        lock, _ = request.session._lock
        get_redis_connection(settings.SESSION_CACHE_ALIAS).set(lock, "another request", px=300)
        request.session["note"] = "written after the hold was lost"
        return HttpResponse("changed")

    request = RequestFactory().post("/cart/add/1/", HTTP_ACCEPT="application/json")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = cookie
    response = SessionMiddleware(lose_the_hold_then_change)(request)

    assert response.status_code == 503, "not the 400 of a session ended meanwhile"
    assert response["Retry-After"]
    session = import_module(settings.SESSION_ENGINE).SessionStore(cookie)
    assert "note" not in session.load()
    assert cart_of(client) == {product.id: 1}
    assert add(client, product, "1").status_code == 302, "sent again once the lock is free"


def stored_session(data: dict) -> str:
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session.update(data)
    session.save()
    return session.session_key


def rebased_and_saved(session) -> None:
    """What the middleware does at the end of a page that changed its session."""
    with session.changing():
        session.rebase()
        if session.modified:
            session.save()


@pytest.mark.django_db(transaction=True)
def test_a_page_writes_only_what_it_changed_and_never_over_a_change_made_meanwhile(
    session_backend,
):
    if session_backend == "cookie":
        pytest.skip("a cookie session is whatever the browser sends last: there is no server copy")
    Store = import_module(settings.SESSION_ENGINE).SessionStore
    key = stored_session({"cart": "two jars", "seen": [1], "note": "old", "stamp": 1})
    page = Store(key)
    assert page["seen"] == [1]  # the page reads the session, holding nothing
    page["seen"], page["stamp"], page["cart"] = [2, 1], 2, "two jars (as the page read it)"
    del page["note"]
    meanwhile = Store(key)  # a POST, say: it changes the cart and the note
    meanwhile.update({"cart": "three jars", "note": "new"})
    meanwhile.save()

    assert page.needs_rebase()
    rebased_and_saved(page)

    assert Store(key).load() == {"cart": "three jars", "seen": [2, 1], "note": "new", "stamp": 2}


@pytest.mark.django_db(transaction=True)
def test_a_page_does_not_bring_back_a_session_ended_meanwhile(session_backend):
    if session_backend == "cookie":
        pytest.skip("a cookie session is whatever the browser sends last: there is no server copy")
    Store = import_module(settings.SESSION_ENGINE).SessionStore
    key = stored_session({"cart": "two jars"})
    page = Store(key)
    page["seen"] = [1]
    Store(key).delete()  # signed out in another tab

    rebased_and_saved(page)

    assert not page.modified, "nothing to write, and no cookie to set or delete"
    assert not Store().exists(key)


@pytest.mark.django_db(transaction=True)
def test_a_page_finishing_after_a_sign_in_in_another_tab_leaves_the_new_cookie_alone(
    session_backend, make_product
):
    """The sign-in replaced the session the page read: the page must not delete the cookie,
    or the browser would drop the one the sign-in just set."""
    if session_backend == "cookie":
        pytest.skip("a cookie session is whatever the browser sends last: there is no server copy")
    make_user()
    product = make_product()
    browser = Client()
    add(browser, product, "1")
    guest_cookie = browser.cookies[settings.SESSION_COOKIE_NAME].value
    page = import_module(settings.SESSION_ENGINE).SessionStore(guest_cookie)
    page["note"] = "a page's own change"  # read and changed, not yet written

    sign_in(browser)  # another tab: a new key, the guest's session gone

    request = RequestFactory().get("/cart/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = guest_cookie
    request.session = page
    response = SessionMiddleware(lambda request: HttpResponse("page")).process_response(
        request, HttpResponse("page")
    )
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert browser.get("/cart/").context["user"].is_authenticated
    assert cart_of(browser) == {product.id: 1}

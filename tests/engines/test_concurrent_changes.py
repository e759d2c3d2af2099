"""Django writes a whole session at the end of a request; concurrent cart changes on one
session must still all count on the engines that keep state on the server."""

from importlib import import_module

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory
from django_redis import get_redis_connection

from shop.middleware import SessionMiddleware
from tests.cart.helpers import add, add_at_once, cart_of

THREADS, ADDS_EACH = 6, 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_adds_on_one_session_all_count(client, session_backend, make_product):
    if session_backend == "cookie":
        pytest.skip("a cookie session is whatever the browser sends last: there is no server copy")
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

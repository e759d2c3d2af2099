"""Django writes a whole session at the end of a request; concurrent cart changes on one
session must still all count on the engines that keep state on the server."""

import pytest
from django.conf import settings

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

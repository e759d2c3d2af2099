"""Half-way through a rolling restart: some instances moving sessions from the old engine
to the new, the rest (restarted once before) from the new back to the old. A shopper whose
requests alternate between them loses nothing, whichever store holds the session."""

from tests.accounts.helpers import make_user, session_cookie, sign_in
from tests.cart.helpers import add, cart_of
from tests.moving.conftest import Switch, client_with


def test_a_shopper_alternating_between_both_kinds_of_instance_loses_nothing(switch, make_product):
    user = make_user()
    products = [make_product() for _ in range(6)]
    instances = [switch.after, Switch(old=switch.new, new=switch.old).after]
    with switch.before():
        client = client_with("")
        sign_in(client)
        cookie = session_cookie(client)

    for turn, product in enumerate(products):
        with instances[turn % 2]():
            client = client_with(cookie)
            assert add(client, product).status_code == 302
            page = client.get("/cart/")
            assert page.context["user"] == user
            cookie = session_cookie(client)

    with switch.after():  # the restart is over: every instance moves sessions to the new engine
        client = client_with(cookie)
        assert client.get("/cart/").context["user"] == user
        cookie = session_cookie(client)
    with switch.done():
        client = client_with(cookie)
        assert client.get("/cart/").context["user"] == user
        assert cart_of(client) == {product.id: 1 for product in products}

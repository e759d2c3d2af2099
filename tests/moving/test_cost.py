"""A session already on the new engine costs no more while sessions move in from the old
one: the same SQL statements and the same Redis commands, page and change alike (but for
db taking over from redis_db, whose cached copies it drops)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.accounts.helpers import make_user, session_cookie, sign_in
from tests.cart.helpers import add
from tests.moving.conftest import client_with


def cost(request, redis_commands) -> tuple[int, int]:
    redis_commands.clear()
    with CaptureQueriesContext(connection) as queries:
        response = request()
    assert response.status_code in (200, 302)
    return len(queries), len(redis_commands)


def test_a_session_of_the_new_engine_costs_nothing_extra(switch, make_product, redis_commands):
    make_user()
    product = make_product()
    with switch.done():
        client = client_with("")
        sign_in(client)
        add(client, product)
        cookie = session_cookie(client)

    costs = {}
    for name, settings in (("alone", switch.done), ("moving in", switch.after)):
        with settings():
            client = client_with(cookie)
            page = cost(lambda c=client: c.get("/cart/"), redis_commands)
            change = cost(lambda c=client: add(c, product), redis_commands)
            costs[name] = (page, change)
            cookie = session_cookie(client)
    if switch.share_rows and switch.new == "db":
        # The one exception, by design: db shares its rows with redis_db, and while both
        # run, each write drops redis_db's copy in Redis, so it never serves an older one.
        (page, change), (page_alone, change_alone) = costs["moving in"], costs["alone"]
        assert page == page_alone
        assert change[0] == change_alone[0] and change[1] > change_alone[1] == 0
    else:
        assert costs["moving in"] == costs["alone"]

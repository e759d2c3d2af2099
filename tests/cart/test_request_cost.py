"""The cart's new ways cost what the old ones do: a quantity set from the cart page's own form
(POST /cart/) costs the same queries and Redis round trips as POST /cart/update/<id>/, and
the Undo's removal costs one query more than a bare removal (the product's name)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cart.helpers import add, cart_of


def cost(redis_commands, request) -> tuple[int, int]:
    """SQL statements and Redis commands of one request, which must redirect."""
    redis_commands.clear()
    with CaptureQueriesContext(connection) as queries:
        assert request().status_code == 302
    return len(queries), len(redis_commands)


def test_the_cart_pages_form_costs_what_the_update_address_does(
    client, make_product, redis_commands
):
    jam = make_product()
    add(client, jam, "1")
    client.post(f"/cart/update/{jam.id}/", {"quantity": "2"})  # first-change bookkeeping
    by_address = cost(
        redis_commands, lambda: client.post(f"/cart/update/{jam.id}/", {"quantity": "3"})
    )
    by_page = cost(
        redis_commands, lambda: client.post("/cart/", {"product": str(jam.id), "quantity": "4"})
    )
    assert by_page == by_address
    assert cart_of(client) == {jam.id: 4}


def test_a_removal_costs_one_query_more_for_its_named_message(client, make_product, redis_commands):
    jam, tea = make_product(), make_product()
    add(client, jam, "1")
    add(client, tea, "1")
    client.post(f"/cart/update/{jam.id}/", {"quantity": "2"})  # first-change bookkeeping
    changed = cost(
        redis_commands, lambda: client.post(f"/cart/update/{jam.id}/", {"quantity": "3"})
    )
    removed = cost(redis_commands, lambda: client.post(f"/cart/remove/{tea.id}/"))
    assert removed == (changed[0] + 1, changed[1])

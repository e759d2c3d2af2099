import pytest

from tests.cart.helpers import JSON, add, cart_of


def update(client, product, quantity, **extra):
    return client.post(f"/cart/update/{product.id}/", {"quantity": quantity}, **extra)


def test_it_changes_the_quantity(client, make_product):
    product = make_product()
    add(client, product, "1")
    response = update(client, product, "4")
    assert response.status_code == 302
    assert cart_of(client) == {product.id: 4}


def test_zero_removes_the_line(client, make_product):
    product, other = make_product(), make_product()
    add(client, product, "1")
    add(client, other, "2")
    update(client, product, "0")
    assert cart_of(client) == {other.id: 2}


@pytest.mark.parametrize("quantity", ["x", "-1", "2.5", "100", "1e3", ""])
def test_a_bad_quantity_is_shown_beside_the_line(client, make_product, quantity):
    product = make_product()
    add(client, product, "2")
    response = update(client, product, quantity)
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    assert cart_of(client) == {product.id: 2}


def test_more_than_the_stock_is_refused(client, make_product):
    product = make_product(name="Honey", stock=5)
    add(client, product, "1")
    response = update(client, product, "6", **JSON)
    assert response.status_code == 400
    assert response.json()["error"] == "You can add at most 5 more Honey."
    assert cart_of(client) == {product.id: 1}


def test_a_product_not_in_the_cart_is_404(client, make_product):
    product = make_product()
    response = update(client, product, "2", **JSON)
    assert response.status_code == 404
    assert response.json() == {"error": "That product is not in your cart."}


def test_an_unknown_product_is_404(client, db):
    assert client.post("/cart/update/424242/", {"quantity": "1"}).status_code == 404


def test_get_is_405(client, make_product):
    assert client.get(f"/cart/update/{make_product().id}/").status_code == 405

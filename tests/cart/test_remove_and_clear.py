from tests.cart.helpers import JSON, add, cart_of

CSRF_SECRET = "k" * 32


def test_remove_drops_only_that_line(client, make_product):
    product, other = make_product(), make_product()
    add(client, product, "1")
    add(client, other, "1")
    response = client.post(f"/cart/remove/{product.id}/")
    assert response.status_code == 302
    assert cart_of(client) == {other.id: 1}


def test_removing_a_line_that_is_not_there_is_404(client, make_product):
    product = make_product()
    response = client.post(f"/cart/remove/{product.id}/", **JSON)
    assert response.status_code == 404
    assert response.json() == {"error": "That product is not in your cart."}


def test_clear_empties_the_cart(client, make_product):
    add(client, make_product(), "2")
    add(client, make_product(), "1")
    response = client.post("/cart/clear/", **JSON)
    assert response.json() == {"count": 0, "total": "0.00", "lines": []}
    assert cart_of(client) == {}


def test_remove_and_clear_refuse_get(client, make_product):
    assert client.get(f"/cart/remove/{make_product().id}/").status_code == 405
    assert client.get("/cart/clear/").status_code == 405


def test_clear_without_csrf_token_is_403_and_keeps_the_cart(csrf_client, make_product):
    product = make_product()
    csrf_client.cookies["csrftoken"] = CSRF_SECRET  # as a page with a form would have set it
    token = {"csrfmiddlewaretoken": CSRF_SECRET}
    csrf_client.post(f"/cart/add/{product.id}/", {"quantity": "1", **token})
    response = csrf_client.post("/cart/clear/")
    assert response.status_code == 403
    assert cart_of(csrf_client) == {product.id: 1}

import pytest

from tests.cart.helpers import JSON, add, cart_of, form_to


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


def test_the_cart_page_forms_post_to_the_cart_page(client, make_product):
    honey = make_product(name="Honey")
    add(client, honey, "1")
    form = form_to(client.get("/cart/"), "/cart/")
    assert form.method == "post"
    assert form.fields["product"] == str(honey.id)
    assert form.buttons == ["Update quantity of Honey"]  # "Update" on screen


@pytest.mark.parametrize(
    "quantity, error",
    [("6", "You can add at most 5 more Honey."), ("x", "Enter a whole number.")],
)
def test_a_refused_quantity_stays_on_the_cart_page_beside_its_field(
    client, make_product, quantity, error
):
    honey, jam = make_product(name="Honey", stock=5), make_product(name="Jam")
    add(client, honey, "1")
    add(client, jam, "2")
    response = client.post("/cart/", {"product": str(honey.id), "quantity": quantity})
    assert response.status_code == 400
    assert response.request["PATH_INFO"] == "/cart/"
    page = response.content.decode()
    field = f'id="quantity-{honey.id}"'
    described = f'aria-invalid="true" aria-describedby="quantity-error-{honey.id}"'
    message = f'<p class="field-error" id="quantity-error-{honey.id}">{error}</p>'
    assert page.index(field) < page.index(described) < page.index(message)
    assert page.index(message) < page.index(f'id="quantity-{jam.id}"'), "in the line's own row"
    assert f'value="{quantity}"' in page, "the refused value, to correct"
    assert cart_of(client) == {honey.id: 1, jam.id: 2}


def test_an_accepted_quantity_from_the_cart_page_goes_back_to_it(client, make_product):
    honey = make_product(name="Honey")
    add(client, honey, "1")
    page = client.post(
        "/cart/", {"product": str(honey.id), "quantity": "3"}, HTTP_REFERER="/cart/", follow=True
    )
    assert page.request["PATH_INFO"] == "/cart/"
    assert "Honey: quantity set to 3." in page.content.decode()
    assert cart_of(client) == {honey.id: 3}


@pytest.mark.parametrize("product", [None, "", "abc", "-1", "1" * 12])
def test_a_cart_page_form_without_a_line_is_400(client, make_product, product):
    honey = make_product()
    add(client, honey, "1")
    data = {"quantity": "2"} if product is None else {"product": product, "quantity": "2"}
    response = client.post("/cart/", data)
    assert response.status_code == 400
    assert "this form did not say which" in response.content.decode()
    assert cart_of(client) == {honey.id: 1}


def test_the_cart_page_answers_only_get_and_post(client, db):
    assert client.put("/cart/").status_code == 405

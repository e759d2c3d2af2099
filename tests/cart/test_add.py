import pytest

from tests.cart.helpers import JSON, add, cart_of


def test_it_adds_a_product_and_redirects_back(client, make_product):
    product = make_product()
    response = add(client, product, "2", HTTP_REFERER=f"http://testserver/products/{product.slug}/")
    assert response.status_code == 302
    assert response["Location"] == f"http://testserver/products/{product.slug}/"
    assert cart_of(client) == {product.id: 2}


def test_it_adds_one_when_quantity_is_left_out(client, make_product):
    product = make_product()
    client.post(f"/cart/add/{product.id}/")
    assert cart_of(client) == {product.id: 1}


def test_adding_again_increases_the_line(client, make_product):
    product = make_product()
    add(client, product, "2")
    add(client, product, "3")
    assert cart_of(client) == {product.id: 5}


def test_it_answers_json_when_asked(client, make_product):
    product = make_product(name="Tea", price="6.25")
    response = add(client, product, "2", **JSON)
    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "total": "12.50",
        "lines": [
            {
                "product_id": product.id,
                "name": "Tea",
                "quantity": 2,
                "unit_price": "6.25",
                "line_total": "12.50",
            }
        ],
    }


def test_the_header_count_shows_on_every_page(client, make_product):
    product = make_product()
    add(client, product, "3")
    response = client.get("/state/")
    assert b'data-testid="cart-count">3<' in response.content


@pytest.mark.parametrize(
    "quantity, message",
    [
        ("abc", "Enter a whole number."),
        ("1.5", "Enter a whole number."),
        ("", "Enter a quantity."),
        ("0", "Enter a quantity of at least 1."),
        ("-3", "Enter a quantity of at least 1."),
        ("100", "At most 99 of one product fit in a cart."),
        ("9" * 40, "At most 99 of one product fit in a cart."),
    ],
)
def test_a_bad_quantity_is_refused_beside_the_field(client, make_product, quantity, message):
    product = make_product()
    add(client, product, "1")
    response = add(client, product, quantity)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert cart_of(client) == {product.id: 1}


def test_a_bad_quantity_gets_a_json_error(client, make_product):
    product = make_product()
    response = add(client, product, "abc", **JSON)
    assert response.status_code == 400
    assert response.json() == {
        "error": "Enter a whole number.",
        "errors": {"quantity": ["Enter a whole number."]},
    }


def test_it_refuses_more_than_the_stock(client, make_product):
    product = make_product(name="Saffron", stock=3)
    add(client, product, "2")
    response = add(client, product, "2", **JSON)
    assert response.status_code == 400
    assert response.json()["error"] == (
        "You can add at most 1 more Saffron. You already have 2 in your cart."
    )
    assert cart_of(client) == {product.id: 2}


def test_an_out_of_stock_product_cannot_be_added(client, make_product):
    product = make_product(stock=0)
    response = add(client, product, "1")
    assert response.status_code == 400
    assert cart_of(client) == {}


def test_an_unknown_product_is_404(client, make_product):
    response = client.post("/cart/add/999999/", {"quantity": "1"}, **JSON)
    assert response.status_code == 404
    assert response.json() == {"error": "Not found."}


def test_an_inactive_product_is_404(client, make_product):
    product = make_product(active=False)
    assert add(client, product, "1").status_code == 404
    assert cart_of(client) == {}


def test_get_is_405_with_a_message(client, make_product):
    product = make_product()
    response = client.get(f"/cart/add/{product.id}/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "only accepts POST" in response.content.decode()


def test_a_missing_csrf_token_is_403_and_changes_nothing(csrf_client, make_product):
    product = make_product()
    response = add(csrf_client, product, "1")
    assert response.status_code == 403
    assert "nothing was changed" in response.content.decode()
    assert cart_of(csrf_client) == {}


def test_an_off_site_referer_is_not_followed(client, make_product):
    product = make_product()
    response = add(client, product, "1", HTTP_REFERER="https://evil.example/")
    assert response["Location"] == "/cart/"


def test_the_added_message_offers_the_cart_and_the_checkout(client, make_product):
    tea = make_product(name="Earl Grey Tea")
    page = add(client, tea, "2", HTTP_REFERER=f"/products/{tea.slug}/", follow=True)
    assert page.request["PATH_INFO"] == f"/products/{tea.slug}/"
    text = page.content.decode()
    assert "Added 2 × Earl Grey Tea to your cart." in text
    links = '<a href="/cart/">View cart</a> <a href="/checkout/">Checkout</a>'
    start = text.index("Added 2 × Earl Grey Tea")
    assert start < text.index(links) < text.index("</li>", start), "in the message itself"

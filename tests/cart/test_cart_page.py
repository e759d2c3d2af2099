from decimal import Decimal

from tests.cart.helpers import JSON, add, cart_of, form_to


def test_it_lists_lines_with_totals(client, make_product):
    tea = make_product(name="Tea", price="6.25")
    add(client, tea, "2")
    page = client.get("/cart/").content.decode()
    assert "Tea" in page
    assert "£12.50" in page


def test_an_empty_cart_says_so(client, db):
    assert "Your cart is empty" in client.get("/cart/").content.decode()


def test_a_changed_price_is_shown_not_silently_applied(client, make_product):
    tea = make_product(name="Tea", price="6.25")
    add(client, tea, "2")
    tea.price = Decimal("7.00")
    tea.save()
    page = client.get("/cart/").content.decode()
    assert "Price went up from £6.25 since you added it." in page
    assert "£14.00" in page


def test_an_unavailable_product_is_removed_and_the_shopper_told(client, make_product):
    tea, jam = make_product(name="Tea"), make_product(name="Jam")
    add(client, tea, "1")
    add(client, jam, "1")
    jam.active = False
    jam.save()
    page = client.get("/cart/").content.decode()
    assert "Jam is no longer available and was removed from your cart." in page
    assert cart_of(client) == {tea.id: 1}


def test_a_sold_out_product_is_removed_and_the_shopper_told(client, make_product):
    tea, jam = make_product(name="Tea"), make_product(name="Jam")
    add(client, tea, "1")
    add(client, jam, "1")
    jam.stock = 0
    jam.save()
    page = client.get("/cart/").content.decode()
    assert "Jam has sold out and was removed from your cart." in page
    assert cart_of(client) == {tea.id: 1}


def test_a_quantity_above_todays_stock_is_lowered_and_said(client, make_product):
    tea = make_product(name="Tea", stock=10)
    add(client, tea, "8")
    tea.stock = 3
    tea.save()
    page = client.get("/cart/").content.decode()
    assert "Only 3 of Tea left: we lowered your quantity." in page
    assert cart_of(client) == {tea.id: 3}


def test_summary_uses_todays_prices(client, make_product):
    tea = make_product(name="Tea", price="2.00")
    add(client, tea, "3")
    tea.price = Decimal("2.50")
    tea.save()
    body = client.get("/cart/summary/", **JSON).json()
    assert body["total"] == "7.50"
    assert body["lines"][0]["unit_price"] == "2.50"


def test_summary_of_an_empty_cart(client, db):
    assert client.get("/cart/summary/").json() == {"count": 0, "total": "0.00", "lines": []}


def test_summary_refuses_post(client, db):
    assert client.post("/cart/summary/").status_code == 405


def test_each_line_shows_its_products_picture_small_and_lazy(client, make_product):
    tea = make_product(name="Earl Grey Tea", image="products/earl-grey-tea.jpg")
    plain = make_product(name="Jam", image="")
    add(client, tea, "1")
    add(client, plain, "1")
    page = client.get("/cart/").content.decode()
    assert (
        '<img class="cart-thumb" src="/media/products/earl-grey-tea.jpg" alt="" '
        'width="64" height="48" loading="lazy" decoding="async">'
    ) in page
    assert page.count("<img") == 1, "a line without a picture keeps its place, without an img"


def test_remove_and_update_buttons_name_their_product(client, make_product):
    tea = make_product(name="Earl Grey Tea")
    add(client, tea, "1")
    response = client.get("/cart/")
    assert form_to(response, f"/cart/remove/{tea.id}/").buttons == ["Remove Earl Grey Tea"]
    assert form_to(response, "/cart/").buttons == ["Update quantity of Earl Grey Tea"]
    page = response.content.decode()
    assert 'Remove<span class="visually-hidden"> Earl Grey Tea</span>' in page  # seen: "Remove"


def test_price_quantity_and_total_carry_their_labels_for_a_phone(client, make_product):
    add(client, make_product(), "1")
    page = client.get("/cart/").content.decode()
    for label in ("Price", "Quantity", "Total"):
        assert page.count(f'data-label="{label}"') == 1, label


def test_an_empty_cart_is_a_card_with_a_way_to_the_shop(client, db):
    page = client.get("/cart/").content.decode()
    assert '<div class="empty card">' in page
    assert '<a href="/products/">Browse the shop</a>' in page

"""Emptying the cart asks first, without JavaScript: the cart page links to a confirmation
page listing what goes (asking changes nothing); its form posts to the clear address."""

from tests.cart.helpers import add, cart_of, form_to, forms_on


def test_the_cart_page_links_to_the_confirmation_and_posts_nothing(client, make_product):
    add(client, make_product(), "1")
    page = client.get("/cart/")
    assert 'href="/cart/empty/">Empty cart</a>' in page.content.decode()
    assert not [form for form in forms_on(page) if form.action == "/cart/clear/"]


def test_asking_lists_the_lines_and_changes_nothing(client, make_product):
    tea, jam = make_product(name="Earl Grey Tea"), make_product(name="Jam")
    add(client, tea, "2")
    add(client, jam, "1")
    page = client.get("/cart/empty/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Empty your cart?" in text
    assert "<li>2 × Earl Grey Tea</li>" in text and "<li>1 × Jam</li>" in text
    form = form_to(page, "/cart/clear/")
    assert (form.method, form.buttons) == ("post", ["Empty cart"])
    assert form.fields["csrfmiddlewaretoken"]
    assert 'href="/cart/">Keep my cart</a>' in text
    assert cart_of(client) == {tea.id: 2, jam.id: 1}


def test_confirming_empties_the_cart(client, make_product):
    add(client, make_product(), "2")
    page = client.post("/cart/clear/", follow=True)
    assert page.request["PATH_INFO"] == "/cart/"
    assert "Your cart is empty" in page.content.decode()
    assert cart_of(client) == {}


def test_asking_with_nothing_to_empty_goes_back_to_the_cart(client, db):
    response = client.get("/cart/empty/")
    assert (response.status_code, response["Location"]) == (302, "/cart/")


def test_the_confirmation_refuses_post(client, make_product):
    add(client, make_product(), "1")
    assert client.post("/cart/empty/").status_code == 405
    assert len(cart_of(client)) == 1

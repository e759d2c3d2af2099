import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from cart.forms import AddToCartForm
from shop.catalog import browsing
from shop.catalog.views import product_page_context
from tests.catalog.factories import create_category, create_product

pytestmark = pytest.mark.django_db


def recently_viewed(response) -> list[int]:
    return [product.id for product in response.context["recently_viewed"]]


def test_it_shows_the_product_with_an_add_to_cart_form(plain_client):
    product = create_product(name="Wildflower Honey", price=Decimal("8.2"), stock=23)

    response = plain_client.get(product.get_absolute_url())

    assert response.status_code == 200
    body = response.content.decode()
    assert "Wildflower Honey" in body
    assert "£8.20" in body
    assert "In stock" in body and "23" not in body.split('data-testid="stock"')[1][:40]
    assert f'action="{reverse("cart:add", args=[product.id])}"' in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert f'name="next" value="{product.get_absolute_url()}"' in body
    assert 'name="quantity"' in body
    assert "Add to cart" in body
    assert isinstance(response.context["form"], AddToCartForm)


def test_it_disables_the_form_when_out_of_stock(plain_client):
    product = create_product(stock=0)

    body = plain_client.get(product.get_absolute_url()).content.decode()

    assert "Out of stock" in body
    assert re.search(r"<fieldset\s+disabled", body)


def test_it_says_404_for_an_unknown_product(plain_client):
    assert plain_client.get(reverse("catalog:product", args=["no-such-thing"])).status_code == 404


def test_it_says_404_for_an_inactive_product(plain_client):
    product = create_product(active=False)
    assert plain_client.get(product.get_absolute_url()).status_code == 404


def test_it_shows_more_from_the_same_category(plain_client):
    teas, linens = create_category("Tea"), create_category("Linens")
    product = create_product(name="Sencha", category=teas)
    create_product(name="Assam", category=teas)
    create_product(name="Napkin", category=linens)

    response = plain_client.get(product.get_absolute_url())

    assert [p.name for p in response.context["related"]] == ["Assam"]


def viewed_cookie(client) -> str:
    return client.cookies[browsing.cookie_name(browsing.RECENTLY_VIEWED_COOKIE)].value


def set_viewed_cookie(client, value: str) -> None:
    client.cookies[browsing.cookie_name(browsing.RECENTLY_VIEWED_COOKIE)] = value


def test_it_lists_recently_viewed_products_most_recent_first(client):
    first, second, third = (create_product() for _ in range(3))
    for product in (first, second):
        client.get(product.get_absolute_url())

    response = client.get(third.get_absolute_url())

    assert recently_viewed(response) == [second.id, first.id]
    assert viewed_cookie(client) == f"{third.id}.{second.id}.{first.id}"
    assert "Cookie" in response["Vary"], "the page is this visitor's"
    assert settings.SESSION_COOKIE_NAME not in client.cookies, "browsing starts no session"


def test_it_keeps_the_last_eight_viewed_in_order(client):
    products = [create_product() for _ in range(11)]
    for product in products[:10]:
        client.get(product.get_absolute_url())

    response = client.get(products[10].get_absolute_url())

    assert recently_viewed(response) == [p.id for p in reversed(products[2:10])]
    assert viewed_cookie(client) == ".".join(str(p.id) for p in reversed(products[3:11]))


def test_it_leaves_the_current_product_out_of_recently_viewed(client):
    first, second = create_product(), create_product()
    for product in (first, second, first):
        client.get(product.get_absolute_url())

    response = client.get(first.get_absolute_url())

    assert recently_viewed(response) == [second.id]


def test_it_leaves_products_that_went_inactive_out_of_recently_viewed(client):
    gone, kept, current = create_product(), create_product(), create_product()
    for product in (gone, kept):
        client.get(product.get_absolute_url())
    gone.active = False
    gone.save()

    response = client.get(current.get_absolute_url())

    assert recently_viewed(response) == [kept.id]


@pytest.mark.parametrize(
    "junk, kept_shown",
    [
        ("x.{kept}.-3.0.{kept}", True),
        ("{kept}.1e3.\u00b2.{kept}999999999999", True),  # a superscript two, 13+ digits
        ("{kept},7", False),
        ('["{kept}"]', False),
    ],
)
def test_it_ignores_what_it_did_not_write_in_the_recently_viewed_cookie(client, junk, kept_shown):
    kept, current = create_product(), create_product()
    set_viewed_cookie(client, junk.format(kept=kept.id))

    response = client.get(current.get_absolute_url())

    assert response.status_code == 200
    assert recently_viewed(response) == ([kept.id] if kept_shown else [])
    assert viewed_cookie(client).split(".")[0] == str(current.id)


def test_it_asks_the_database_four_times_with_a_full_history(
    cookie_client, django_assert_num_queries
):
    products = [create_product(category=create_category(f"C{n}")) for n in range(10)]
    for product in products[:9]:
        cookie_client.get(product.get_absolute_url())

    # The product, the navigation's categories, more from the category, recently viewed.
    with django_assert_num_queries(4):
        response = cookie_client.get(products[9].get_absolute_url())

    assert len(response.context["recently_viewed"]) == 8


def test_it_builds_a_page_that_shows_a_quantity_error_beside_the_field(db):
    product = create_product(stock=5)
    request = RequestFactory().post(reverse("cart:add", args=[product.id]))
    request.session = SessionStore()
    form = AddToCartForm({"quantity": "lots"}, product=product)
    form.is_valid()

    context = product_page_context(request, product, form)
    body = render_to_string("catalog/product_detail.html", context, request=request)

    assert context["product"] == product and context["form"] is form
    assert 'aria-invalid="true"' in body
    assert re.search(r'name="quantity"[^>]*>\s*<span class="field-error"[^>]*>Enter a whole', body)

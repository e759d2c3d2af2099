from decimal import Decimal

import pytest
from django.urls import reverse

from shop.catalog import browsing
from shop.catalog.views import PRODUCTS_PER_PAGE
from tests.catalog.factories import create_category, create_product

pytestmark = pytest.mark.django_db


def test_it_lists_only_the_categorys_active_products(plain_client):
    teas = create_category("Tea")
    linens = create_category("Linens")
    create_product(name="Sencha", category=teas)
    create_product(name="Old Oolong", category=teas, active=False)
    create_product(name="Tea Towel", category=linens)

    response = plain_client.get(reverse("catalog:category", args=["tea"]))

    assert response.status_code == 200
    assert [p.name for p in response.context["products"]] == ["Sencha"]
    assert response.context["current_category"] == teas


def test_it_says_404_for_an_unknown_category(plain_client):
    create_category("Tea")
    assert plain_client.get(reverse("catalog:category", args=["nope"])).status_code == 404


def test_it_uses_the_sort_remembered_from_the_product_list(client):
    teas = create_category("Tea")
    create_product(name="Cheap Tea", category=teas, price=Decimal("2.00"))
    create_product(name="Dear Tea", category=teas, price=Decimal("20.00"))
    client.get(reverse("catalog:products"), {"sort": "-price"})

    response = client.get(reverse("catalog:category", args=["tea"]))

    assert [p.name for p in response.context["products"]] == ["Dear Tea", "Cheap Tea"]
    assert client.cookies[browsing.cookie_name(browsing.SORT_COOKIE)].value == "-price"


def test_it_paginates_and_survives_a_bad_page(plain_client):
    teas = create_category("Tea")
    for n in range(PRODUCTS_PER_PAGE + 2):
        create_product(name=f"Tea {n:02d}", category=teas)
    url = reverse("catalog:category", args=["tea"])

    assert len(plain_client.get(url, {"page": "2"}).context["products"]) == 2
    assert plain_client.get(url, {"page": "xyz"}).context["page"].number == 1
    assert plain_client.get(url, {"page": "-5"}).status_code == 200


def test_it_asks_the_database_three_times(cookie_client, django_assert_num_queries):
    teas = create_category("Tea")
    for n in range(PRODUCTS_PER_PAGE):
        create_product(name=f"Tea {n:02d}", category=teas)

    with django_assert_num_queries(3):
        cookie_client.get(reverse("catalog:category", args=["tea"]))

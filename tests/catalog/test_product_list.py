from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from shop.catalog import browsing
from shop.catalog.views import PRODUCTS_PER_PAGE
from tests.catalog.factories import create_product

URL = reverse("catalog:products")


def names(response) -> list[str]:
    return [product.name for product in response.context["products"]]


@pytest.fixture
def three_products(db):
    create_product(name="Butter Dish", price=Decimal("18.50"), description="Glazed stoneware.")
    create_product(name="Apron", price=Decimal("24.00"), description="Heavy canvas.")
    create_product(name="Chutney", price=Decimal("4.25"), description="Made for cheese.")


def test_it_lists_active_products_by_name(plain_client, three_products):
    create_product(name="Hidden Honey", active=False)

    response = plain_client.get(URL)

    assert response.status_code == 200
    assert names(response) == ["Apron", "Butter Dish", "Chutney"]
    assert "Hidden Honey" not in response.content.decode()


def test_it_shows_prices_with_two_decimals(plain_client, three_products):
    body = plain_client.get(URL).content.decode()
    assert "£24.00" in body and "£4.25" in body


def test_it_searches_names_and_descriptions_ignoring_case(plain_client, three_products):
    assert names(plain_client.get(URL, {"q": "butter"})) == ["Butter Dish"]
    assert names(plain_client.get(URL, {"q": "CHEESE"})) == ["Chutney"]
    assert names(plain_client.get(URL, {"q": "stone"})) == ["Butter Dish"]


def test_it_says_when_a_search_finds_nothing(plain_client, three_products):
    response = plain_client.get(URL, {"q": "saffron"})
    assert response.status_code == 200
    assert "Nothing matches" in response.content.decode()


def test_it_sorts_by_price_both_ways(plain_client, three_products):
    assert names(plain_client.get(URL, {"sort": "price"})) == ["Chutney", "Butter Dish", "Apron"]
    assert names(plain_client.get(URL, {"sort": "-price"})) == ["Apron", "Butter Dish", "Chutney"]
    assert names(plain_client.get(URL, {"sort": "name"})) == ["Apron", "Butter Dish", "Chutney"]


def test_it_remembers_the_chosen_sort_in_a_cookie_not_the_session(client, three_products):
    client.get(URL, {"sort": "-price"})

    response = client.get(URL)

    assert names(response) == ["Apron", "Butter Dish", "Chutney"]
    assert response.context["sort"] == "-price"
    assert client.cookies[browsing.cookie_name(browsing.SORT_COOKIE)].value == "-price"
    assert settings.SESSION_COOKIE_NAME not in client.cookies, "browsing starts no session"


def test_it_ignores_an_unknown_sort_and_keeps_the_remembered_one(client, three_products):
    client.get(URL, {"sort": "price"})

    response = client.get(URL, {"sort": "popularity"})

    assert response.status_code == 200
    assert names(response) == ["Chutney", "Butter Dish", "Apron"]


def test_it_ignores_a_corrupt_sort_cookie(client, three_products):
    client.cookies[browsing.cookie_name(browsing.SORT_COOKIE)] = '{"not": "a sort"}'

    response = client.get(URL)

    assert response.status_code == 200
    assert names(response) == ["Apron", "Butter Dish", "Chutney"]


def test_it_keeps_the_search_while_sorting(plain_client, three_products):
    create_product(name="Cheese Board", price=Decimal("30.00"))
    response = plain_client.get(URL, {"q": "chee", "sort": "-price"})
    assert names(response) == ["Cheese Board", "Chutney"]


@pytest.mark.parametrize(
    ("page", "expected"),
    [("2", 2), ("", 1), ("abc", 1), ("1.5", 1), ("9999", 3), ("-1", 3), ("0", 3)],
)
def test_it_turns_any_page_number_into_a_sensible_page(plain_client, page, expected):
    for n in range(PRODUCTS_PER_PAGE * 2 + 1):
        create_product(name=f"Jar {n:02d}")

    response = plain_client.get(URL, {"page": page})

    assert response.status_code == 200
    assert response.context["page"].number == expected


def test_it_shows_a_page_of_products_with_links_to_the_next(plain_client):
    for n in range(PRODUCTS_PER_PAGE + 1):
        create_product(name=f"Jar {n:02d}")

    response = plain_client.get(URL, {"q": "jar"})

    assert len(response.context["products"]) == PRODUCTS_PER_PAGE
    assert 12 <= PRODUCTS_PER_PAGE <= 24
    assert "?q=jar&amp;page=2" in response.content.decode()


def test_it_asks_the_database_three_times_for_a_full_page(cookie_client, django_assert_num_queries):
    for n in range(PRODUCTS_PER_PAGE * 2):
        create_product(name=f"Jar {n:02d}")
    cookie_client.get(URL, {"sort": "price"})  # the visitor's session starts here

    # Categories for the navigation, the count, and the page of products with categories.
    with django_assert_num_queries(3):
        response = cookie_client.get(URL, {"page": "2", "sort": "price"})

    assert len(response.context["products"]) == PRODUCTS_PER_PAGE


@pytest.mark.parametrize("query", ["butter\x00", "\x00butter", "butter" + " " * 500])
def test_a_search_with_a_nul_or_too_long_is_cleaned_not_a_500(plain_client, three_products, query):
    response = plain_client.get(URL, {"q": query})
    assert response.status_code == 200
    assert names(response) == ["Butter Dish"]

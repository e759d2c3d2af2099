"""Search finds products by whole words and word beginnings, best match first, on SQLite
and on PostgreSQL alike (DATABASE_URL=postgres://… runs the same tests there)."""

import pytest
from django.urls import reverse

from shop.catalog import browsing
from tests.catalog.factories import create_category, create_product

URL = reverse("catalog:products")


def names(response) -> list[str]:
    return [product.name for product in response.context["products"]]


@pytest.fixture
def shop(db):
    teas, pans = create_category("Tea & Coffee", "tea-coffee"), create_category("Cookware")
    honey = create_category("Preserves & Honey", "preserves")
    for name, category, description, price in [
        ("Sencha Green Tea", teas, "Steamed Japanese leaves, brewed cool.", "8.40"),
        ("Glass Teapot with Infuser", teas, "Heat-proof glass holding a litre.", "24.00"),
        ("House Espresso Beans", teas, "A chocolatey medium roast.", "11.00"),
        ("Earl Grey with Cornflower", teas, "Black tea scented with bergamot.", "7.20"),
        ("Steamer Insert", pans, "A stainless steamer basket for saucepans.", "19.50"),
        ("Cast Iron Griddle Pan", pans, "Char lines on vegetables, steak and halloumi.", "38.50"),
        ("Wildflower Honey", honey, "Runny honey from hives on chalk downland.", "8.20"),
        ("Lemon Curd", honey, "Silky and sharp; lovely with honey on toast.", "4.60"),
        ("Raspberry Jam", honey, "Scottish raspberries cooked quickly.", "4.50"),
        ("Damson Jam", honey, "Deep purple and tart.", "4.90"),
    ]:
        create_product(name=name, category=category, description=description, price=price)


def test_tea_finds_teas_and_teapots_first_and_never_the_steamer(plain_client, shop):
    found = names(plain_client.get(URL, {"q": "tea"}))

    assert found[:2] == ["Sencha Green Tea", "Glass Teapot with Infuser"]
    assert "Steamer Insert" not in found, "no match inside a word (s-tea-mer)"
    assert "Cast Iron Griddle Pan" not in found, "nor inside 'steak'"
    # Then the category's teas, and a tea named only in the description.
    assert set(found[2:]) == {"House Espresso Beans", "Earl Grey with Cornflower"}


def test_a_name_match_ranks_above_a_description_match(plain_client, shop):
    tools = create_category("Kitchen Tools")
    create_product(name="Oak Spoon", category=tools, description="For stirring honey.")
    create_product(name="Honey Dipper", category=tools, description="Turned beech.")

    found = names(plain_client.get(URL, {"q": "honey"}))

    assert found[:2] == ["Wildflower Honey", "Honey Dipper"]
    assert found.index("Lemon Curd") < found.index("Raspberry Jam"), "two places beat one"
    assert found.index("Honey Dipper") < found.index("Oak Spoon")


def test_every_word_must_match(plain_client, shop):
    assert names(plain_client.get(URL, {"q": "raspberry jam"})) == ["Raspberry Jam"]
    assert names(plain_client.get(URL, {"q": "JAM"})) == ["Damson Jam", "Raspberry Jam"]


def test_a_plural_finds_the_singular(plain_client, shop):
    assert "Sencha Green Tea" in names(plain_client.get(URL, {"q": "teas"}))


def test_a_chosen_sort_still_applies_to_results(plain_client, shop):
    response = plain_client.get(URL, {"q": "jam", "sort": "-price"})
    assert names(response) == ["Damson Jam", "Raspberry Jam"]
    assert response.context["sort"] == "-price"


def test_best_match_is_offered_on_the_page_but_not_remembered(plain_client, shop):
    response = plain_client.get(URL, {"q": "tea"})

    assert response.context["sort"] == "relevance"
    assert '<option value="relevance" selected>Best match</option>' in response.content.decode()
    assert browsing.cookie_name(browsing.SORT_COOKIE) not in response.cookies


@pytest.mark.parametrize(
    "query",
    ["tea:*", "tea & !jam", "'", '"', "\\", "(tea", "tea)|", "%", "_", "ü", "茶", "1", "the"],
)
def test_odd_queries_never_fail(plain_client, shop, query):
    response = plain_client.get(URL, {"q": query})
    assert response.status_code == 200


@pytest.mark.parametrize("query", ["%%%", "&& ||", "!!!", "_"])
def test_a_query_without_words_says_so(plain_client, shop, query):
    response = plain_client.get(URL, {"q": query})

    assert response.status_code == 200
    assert names(response) == []
    assert "has no letters or numbers to search for" in response.content.decode()


def test_a_very_long_query_is_shortened_and_says_so(plain_client, shop):
    response = plain_client.get(URL, {"q": "jam " + "x" * 500})

    assert response.status_code == 200
    assert "Only the first 100 characters of your search were used" in response.content.decode()


def test_searching_asks_the_database_as_often_as_browsing(
    cookie_client, shop, django_assert_num_queries
):
    cookie_client.get(URL, {"q": "tea"})

    # Categories for the navigation, the count, and the page of products with categories.
    with django_assert_num_queries(3):
        response = cookie_client.get(URL, {"q": "glass teapot"})
    with django_assert_num_queries(3):
        response = cookie_client.get(URL, {"q": "tea"})

    assert len(response.context["products"]) >= 2

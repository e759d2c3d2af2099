from django.urls import reverse

from tests.catalog.factories import create_category, create_product


def test_it_shows_categories_and_featured_products(plain_client):
    teas = create_category("Tea & Coffee", "tea-coffee")
    create_category("Linens")
    create_product(name="Breakfast Tea", category=teas, featured=True)
    create_product(name="Plain Green Tea", category=teas)

    response = plain_client.get(reverse("catalog:home"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Tea &amp; Coffee" in body and "Linens" in body
    assert [p.name for p in response.context["featured"]] == ["Breakfast Tea"]


def test_it_leaves_inactive_products_out_of_featured_and_counts(plain_client):
    create_product(name="Gone Jam", featured=True, active=False)
    create_product(name="Live Jam")

    response = plain_client.get(reverse("catalog:home"))

    assert response.context["featured"] == []
    assert "Gone Jam" not in response.content.decode()
    assert response.context["categories"][0].product_count == 1


def test_it_asks_the_database_twice_however_many_products_are_featured(
    cookie_client, django_assert_num_queries
):
    for n in range(10):
        create_product(name=f"Featured {n}", featured=True, category=create_category(f"C{n}"))

    with django_assert_num_queries(2):
        response = cookie_client.get(reverse("catalog:home"))

    assert response.status_code == 200


def test_it_rejects_a_post(plain_client):
    assert plain_client.post(reverse("catalog:home")).status_code == 405

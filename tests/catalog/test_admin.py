import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.catalog.factories import create_product


@pytest.fixture
def staff_client(plain_client):
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw-for-tests")
    plain_client.force_login(user)
    return plain_client


def test_it_lists_products_with_editable_price_and_stock(staff_client):
    create_product(name="Salt Pig")

    response = staff_client.get(reverse("admin:catalog_product_changelist"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Salt Pig" in body
    assert 'name="form-0-price"' in body and 'name="form-0-stock"' in body


def test_it_filters_and_searches_products(staff_client):
    create_product(name="Salt Pig", featured=True)
    create_product(name="Pepper Mill")
    url = reverse("admin:catalog_product_changelist")

    assert "Pepper Mill" not in staff_client.get(url, {"featured__exact": "1"}).content.decode()
    assert "Salt Pig" not in staff_client.get(url, {"q": "pepper"}).content.decode()


def test_it_opens_the_add_pages(staff_client):
    assert staff_client.get(reverse("admin:catalog_product_add")).status_code == 200
    assert staff_client.get(reverse("admin:catalog_category_changelist")).status_code == 200

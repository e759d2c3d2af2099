"""Shoppers read "In stock", "Only N left" or "Out of stock", never the exact count."""

import re

import pytest
from django.urls import reverse

from shop.catalog.models import LOW_STOCK_THRESHOLD
from tests.catalog.factories import create_product

pytestmark = pytest.mark.django_db


def stock_line(body: str) -> str:
    return re.search(r'data-testid="stock">([^<]*)<', body).group(1)


@pytest.mark.parametrize(
    ("stock", "wording"),
    [
        (0, "Out of stock"),
        (1, "Only 1 left"),
        (LOW_STOCK_THRESHOLD, f"Only {LOW_STOCK_THRESHOLD} left"),
        (LOW_STOCK_THRESHOLD + 1, "In stock"),
        (44, "In stock"),
    ],
)
def test_the_product_page_words_the_stock(plain_client, stock, wording):
    product = create_product(stock=stock)

    body = plain_client.get(product.get_absolute_url()).content.decode()

    assert stock_line(body) == wording


@pytest.mark.parametrize(
    ("stock", "badge"),
    [(0, "Out of stock"), (3, "Only 3 left"), (LOW_STOCK_THRESHOLD + 1, None), (44, None)],
)
def test_a_product_card_flags_only_low_or_no_stock(plain_client, stock, badge):
    create_product(name="Damson Jam", stock=stock)

    body = plain_client.get(reverse("catalog:products")).content.decode()

    badges = re.findall(r'class="badge[^"]*">([^<]*)<', body)
    assert badges == ([badge] if badge else [])

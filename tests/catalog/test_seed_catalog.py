from io import StringIO

import pytest
from django.core.management import call_command

from shop.catalog.models import Category, Product


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def seed() -> str:
    out = StringIO()
    call_command("seed_catalog", stdout=out)
    return out.getvalue()


def snapshot() -> list[tuple]:
    return list(
        Product.objects.order_by("slug").values_list(
            "slug", "name", "category__slug", "price", "stock", "featured", "image", "updated_at"
        )
    )


def test_it_creates_at_least_sixty_active_products_in_six_categories(db, media_root):
    seed()

    active = Product.objects.active()
    assert active.count() >= 60
    assert Category.objects.filter(products__active=True).distinct().count() >= 6
    assert active.filter(featured=True).exists()
    assert active.filter(stock=0).exists()


def test_it_gives_every_product_a_price_stock_and_an_image_file(db, media_root):
    seed()

    for product in Product.objects.all():
        assert product.price > 0
        assert product.stock >= 0
        assert product.image.name == f"products/{product.slug}.svg"
        path = media_root / product.image.name
        assert path.is_file()
        assert path.read_text().startswith("<svg")


def test_it_changes_nothing_when_run_twice(db, media_root):
    seed()
    before = snapshot()
    files_before = {p.name: p.stat().st_mtime_ns for p in (media_root / "products").iterdir()}

    output = seed()

    assert snapshot() == before
    files_after = {p.name: p.stat().st_mtime_ns for p in (media_root / "products").iterdir()}
    assert files_after == files_before
    assert f"0 created, 0 updated, {len(before)} unchanged; 0 images written" in output


def test_it_puts_back_a_demo_product_changed_by_hand(db, media_root):
    seed()
    product = Product.objects.order_by("slug").first()
    original_stock = product.stock
    Product.objects.filter(pk=product.pk).update(stock=original_stock + 5)

    output = seed()

    product.refresh_from_db()
    assert product.stock == original_stock
    assert "1 updated" in output

"""Load the demo catalog (shop/catalog/seed_data.py); running it again changes nothing."""

from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Model
from django.utils.text import slugify

from shop.catalog.images import product_svg
from shop.catalog.models import Category, Product
from shop.catalog.seed_data import CATEGORIES


def save_changes(instance: Model, fields: dict) -> bool:
    """Set the fields that differ and save only when one did; True when anything changed."""
    changed = [name for name, value in fields.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, fields[name])
    if changed:
        instance.save()
    return bool(changed)


def write_image(slug: str, content: bytes) -> tuple[str, bool]:
    """Store the picture as products/<slug>.svg unless identical bytes are already there."""
    path = f"products/{slug}.svg"
    if default_storage.exists(path):
        with default_storage.open(path, "rb") as existing:
            if existing.read() == content:
                return path, False
        default_storage.delete(path)
    saved = default_storage.save(path, ContentFile(content))
    return saved, True


class Command(BaseCommand):
    help = "Create or refresh the demo catalog: categories, products and their pictures."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        images_written = 0
        for seed in CATEGORIES:
            category = Category.objects.filter(slug=seed.slug).first()
            category_fields = {"name": seed.name, "description": seed.description}
            if category is None:
                category = Category.objects.create(slug=seed.slug, **category_fields)
            else:
                save_changes(category, category_fields)

            for item in seed.products:
                slug = slugify(item.name)
                picture = product_svg(name=item.name, slug=slug, colours=seed.colours)
                image, written = write_image(slug, picture)
                images_written += written
                fields = {
                    "category": category,
                    "name": item.name,
                    "description": item.description,
                    "price": Decimal(item.price),
                    "stock": item.stock,
                    "featured": item.featured,
                    "active": True,
                    "image": image,
                }
                product = Product.objects.filter(slug=slug).first()
                if product is None:
                    Product.objects.create(slug=slug, **fields)
                    counts["created"] += 1
                elif save_changes(product, fields):
                    counts["updated"] += 1
                else:
                    counts["unchanged"] += 1
            if options["verbosity"] > 1:
                self.stdout.write(f"  {seed.name}: {len(seed.products)} products")

        self.stdout.write(
            self.style.SUCCESS(
                f"Catalog seeded: {len(CATEGORIES)} categories; products "
                f"{counts['created']} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged; {images_written} images written."
            )
        )

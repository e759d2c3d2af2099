from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse


class Category(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:category", args=[self.slug])


# At or below this many units the storefront says "Only N left" rather than "In stock".
LOW_STOCK_THRESHOLD = 5


class ProductQuerySet(models.QuerySet):
    def active(self) -> "ProductQuerySet":
        return self.filter(active=True)


class Product(models.Model):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    price = models.DecimalField(
        max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    stock = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    featured = models.BooleanField(default=False)
    image = models.FileField(upload_to="products/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["active", "name"]),
            models.Index(fields=["active", "price"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:product", args=[self.slug])

    @property
    def is_available(self) -> bool:
        return self.active and self.stock > 0

    @property
    def stock_level(self) -> str:
        """ "out", "low" or "in": how the storefront words and colours the stock."""
        if self.stock <= 0:
            return "out"
        return "low" if self.stock <= LOW_STOCK_THRESHOLD else "in"

    @property
    def stock_message(self) -> str:
        """What shoppers read: never the exact count, unless few are left."""
        return {"out": "Out of stock", "low": f"Only {self.stock} left", "in": "In stock"}[
            self.stock_level
        ]

    @property
    def max_quantity(self) -> int:
        """How many one cart line may hold: the stock, capped per order (ORDER_MAX_PER_LINE)."""
        return min(self.stock, settings.ORDER_MAX_PER_LINE)

    @property
    def limited_per_order(self) -> bool:
        """Whether the cap per order, not the stock, is what holds a line back."""
        return self.stock > settings.ORDER_MAX_PER_LINE

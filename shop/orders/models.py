import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse

from shop.orders.addresses import ADDRESS_FIELDS, address_lines

# Order numbers: 12 characters a customer can read out on the phone (no 0/O, 1/I/L),
# about 58 bits, so nobody finds another's order by trying numbers.
NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
NUMBER_LENGTH = 12


def new_order_number() -> str:
    raw = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, NUMBER_LENGTH, 4))


class Status(models.TextChoices):
    PLACED = "placed", "Placed"
    SHIPPED = "shipped", "Shipped"
    CANCELLED = "cancelled", "Cancelled"


class AddressFields(models.Model):
    """Where an order goes; the checkout form's fields."""

    full_name = models.CharField(max_length=70)
    line1 = models.CharField("address line 1", max_length=80)
    line2 = models.CharField("address line 2", max_length=80, blank=True)
    city = models.CharField("town or city", max_length=50)
    postcode = models.CharField(max_length=10)
    country = models.CharField(max_length=2)

    class Meta:
        abstract = True

    def address_lines(self) -> list[str]:
        return address_lines({name: getattr(self, name) for name in ADDRESS_FIELDS})


class Order(AddressFields):
    """A placed order. It keeps its lines' names and prices as they were when placed, so
    later changes to the catalog never change what the customer bought."""

    number = models.CharField(max_length=14, unique=True, default=new_order_number, editable=False)
    # The checkout it came from: placing twice from one checkout finds this order instead.
    checkout_token = models.CharField(max_length=32, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    email = models.EmailField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLACED)
    delivery_method = models.CharField(max_length=10)
    delivery_price = models.DecimalField(max_digits=8, decimal_places=2)
    delivery_by = models.DateField()
    subtotal = models.DecimalField(max_digits=10, decimal_places=2)
    total = models.DecimalField(max_digits=10, decimal_places=2)
    payment_method = models.CharField(max_length=20)
    payment_status = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="order_user_created"),
            models.Index(fields=["status", "-created_at"], name="order_status_created"),
            models.Index(fields=["-created_at"], name="order_created"),
            # The admin's exact, case-blind search by email.
            models.Index(Upper("email"), name="order_email_upper"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Order {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("orders:detail", args=[self.number])


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    # Kept when the product is later deleted: the name and price below are what was bought.
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    product_name = models.CharField(max_length=200)
    unit_price = models.DecimalField(max_digits=8, decimal_places=2)
    quantity = models.PositiveIntegerField()
    line_total = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name}"


class SavedAddress(AddressFields):
    """A signed-in shopper's address book: every address they had an order delivered to."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses"
    )
    last_used = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-last_used"]
        verbose_name_plural = "saved addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "full_name", "line1", "line2", "city", "postcode", "country"],
                name="saved_address_once",
            )
        ]

    def __str__(self) -> str:
        return ", ".join(self.address_lines())

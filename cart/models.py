from django.conf import settings
from django.db import models


class SavedCart(models.Model):
    """A signed-in user's cart, kept beside the session so it follows them to other devices.

    `lines` has the session cart's shape: {"<product_id>": [quantity, "unit price when added"]}.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_cart"
    )
    lines = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Saved cart of {self.user}"

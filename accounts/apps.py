from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from accounts import signals  # noqa: F401  (stamps the lifetime at sign-in)
        from shop.counter_cache import create_table

        # The password reset's rate-limit counters live in a cache table, not a model.
        post_migrate.connect(create_table, sender=self, dispatch_uid="rate-limits-table")

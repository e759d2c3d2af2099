from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "shop.register"
    label = "register"
    verbose_name = "Session register"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from shop.register import signals  # noqa: F401  (ends the register row at sign-out)

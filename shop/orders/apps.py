from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "shop.orders"
    label = "orders"
    verbose_name = "Orders"

    def ready(self) -> None:
        from shop.orders import checkout, signals  # noqa: F401  connects the receivers
        from shop.sessions import room

        # A cart change must leave the cookie room for the checkout that may follow.
        room.keep_room_for(checkout.room_to_keep)

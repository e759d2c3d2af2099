from django.urls import path, register_converter

from shop.orders import views


class OrderNumber:
    """Only what has the shape of an order number reaches the database (404 otherwise)."""

    regex = "[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(OrderNumber, "order_number")
app_name = "orders"

urlpatterns = [
    path("checkout/", views.start, name="checkout"),
    path("checkout/address/", views.address, name="address"),
    path("checkout/delivery/", views.delivery, name="delivery"),
    path("checkout/review/", views.review, name="review"),
    path("checkout/place/", views.place, name="place"),
    path("orders/", views.order_list, name="list"),
    path("orders/<order_number:number>/", views.order_detail, name="detail"),
]

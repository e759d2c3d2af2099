from django.urls import path

from shop.orders import views

app_name = "orders"

urlpatterns = [
    path("checkout/", views.start, name="checkout"),
    path("checkout/address/", views.address, name="address"),
    path("checkout/delivery/", views.delivery, name="delivery"),
    path("checkout/review/", views.review, name="review"),
    path("checkout/place/", views.place, name="place"),
    path("orders/", views.order_list, name="list"),
    path("orders/<str:number>/", views.order_detail, name="detail"),
]

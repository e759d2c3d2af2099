from django.urls import path

from shop.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("products/", views.product_list, name="products"),
    path("products/<slug:slug>/", views.product_detail, name="product"),
    path("category/<slug:slug>/", views.category_detail, name="category"),
]

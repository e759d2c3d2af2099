from django.urls import path

from cart import views

app_name = "cart"
urlpatterns = [
    path("", views.cart_detail, name="detail"),
    path("summary/", views.cart_summary, name="summary"),
    path("add/<int:product_id>/", views.add, name="add"),
    path("update/<int:product_id>/", views.update, name="update"),
    path("remove/<int:product_id>/", views.remove, name="remove"),
    path("undo/", views.undo, name="undo"),
    path("empty/", views.empty_confirmation, name="empty"),
    path("clear/", views.clear, name="clear"),
]

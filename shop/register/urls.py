from django.urls import path

from shop.register import views

app_name = "register"
urlpatterns = [
    path("", views.sessions, name="sessions"),
    path("revoke-others/", views.revoke_other_sessions, name="revoke_others"),
    path("<slug:public_id>/revoke/", views.revoke_session, name="revoke_session"),
]

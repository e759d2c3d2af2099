from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.logout, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/revoke-others/", views.revoke_other_sessions, name="revoke_others"),
    path("sessions/<slug:public_id>/revoke/", views.revoke_session, name="revoke_session"),
]

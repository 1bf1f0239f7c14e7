from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.account_list, name="list"),
    path("new/", views.account_create, name="create"),
    path(
        "<int:pk>/send-password-link/",
        views.account_send_password_link,
        name="send_password_link",
    ),
]

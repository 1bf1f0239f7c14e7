from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("settings/", views.notification_settings, name="settings"),
    path("failed/", views.undelivered, name="undelivered"),
    path("failed/<int:pk>/resend/", views.resend, name="resend"),
]

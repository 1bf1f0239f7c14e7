"""Planning staff's publication pages: /publication/ (mounted by config/urls.py)."""

from django.urls import path

from publication import views

app_name = "publication"

urlpatterns = [
    path("", views.manage, name="manage"),
    path("<int:year>/<slug:kind>/publish/", views.publish, name="publish"),
    path("<int:year>/<slug:kind>/unpublish/", views.unpublish, name="unpublish"),
]

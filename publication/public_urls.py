"""The public site: /public/ (mounted by config/urls.py). No login anywhere below."""

from django.urls import path

from publication import public_views

app_name = "public"

urlpatterns = [
    path("", public_views.index, name="index"),
    path("search/", public_views.search, name="search"),
    path("data/", public_views.open_data, name="data"),
    path("feed.atom", public_views.feed, name="feed"),
    path("<int:year>/", public_views.year, name="year"),
    path("<int:year>/<slug:kind>.csv", public_views.open_data_csv, name="csv"),
    path("<int:year>/<slug:kind>.json", public_views.open_data_json, name="json"),
    path("<int:year>/<slug:kind>/pdf/", public_views.city_pdf, name="city_pdf"),
    path("<int:year>/<slug:kind>/<int:department>/", public_views.department, name="department"),
    path(
        "<int:year>/<slug:kind>/<int:department>/pdf/",
        public_views.department_pdf,
        name="department_pdf",
    ),
    path("versions/<int:pk>/", public_views.version_detail, name="version"),
    path("versions/<int:pk>/pdf/", public_views.version_pdf, name="version_pdf"),
]

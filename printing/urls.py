"""Printing: /print/ (mounted by config/urls.py)."""

from django.urls import path

from printing import views as print_views

app_name = "print"

urlpatterns = [
    path("", print_views.menu, name="menu"),
    path("sheets/<int:pk>/pdf/", print_views.sheet_pdf, name="sheet_pdf"),
    path(
        "sheets/<int:pk>/sections/<int:section_pk>/pdf/",
        print_views.section_review_pdf,
        name="section_review_pdf",
    ),
    path("city/", print_views.city_start, name="city_start"),
    path("city/<int:pk>/", print_views.city_status, name="city_status"),
    path("city/<int:pk>/download/", print_views.city_download, name="city_download"),
]

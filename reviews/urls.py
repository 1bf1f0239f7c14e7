from django.urls import path, register_converter

from reviews import views
from reviews.models import Stage


class StageConverter:
    """mid_year or year_end in a URL; anything else is a 404."""

    regex = "|".join(Stage.values)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return str(value)


register_converter(StageConverter, "review_stage")

app_name = "reviews"

urlpatterns = [
    path("", views.my_reviews, name="my_reviews"),
    path(
        "items/<int:item_pk>/<review_stage:stage>/department/",
        views.review_edit,
        name="review_edit",
    ),
    path(
        "items/<int:item_pk>/<review_stage:stage>/sections/<int:section_pk>/",
        views.review_edit,
        name="review_edit",
    ),
    path(
        "items/<int:item_pk>/<review_stage:stage>/department/reopen/",
        views.review_reopen,
        name="review_reopen",
    ),
    path(
        "items/<int:item_pk>/<review_stage:stage>/sections/<int:section_pk>/reopen/",
        views.review_reopen,
        name="review_reopen",
    ),
    path("items/<int:item_pk>/reviewer/", views.common_reviewer, name="common_reviewer"),
    path("<int:pk>/confirm/", views.review_confirm, name="review_confirm"),
    path("<int:pk>/return/", views.review_return, name="review_return"),
    path("sheets/<int:sheet_pk>/", views.sheet_reviews, name="sheet_reviews"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/unfiled/", views.unfiled, name="unfiled"),
    path("search/", views.search, name="search"),
    path("search.xlsx", views.search_xlsx, name="search_xlsx"),
    path("years/", views.fiscal_years, name="fiscal_years"),
    path("years/<int:year>/", views.fiscal_year_edit, name="fiscal_year_edit"),
]

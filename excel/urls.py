from django.urls import path

from excel import views as excel_views

app_name = "excel"

urlpatterns = [
    path("sheets/<int:pk>.xlsx", excel_views.sheet_xlsx, name="sheet_xlsx"),
    path("import/", excel_views.import_upload, name="import_upload"),
    path("import/preview/", excel_views.import_preview, name="import_preview"),
    path("import/confirm/", excel_views.import_confirm, name="import_confirm"),
]

"""The sheet editor, mounted at /sheets/ (the home page, my sheets, stays at / as `home`)."""

from django.urls import path

from goals import views

app_name = "goals"

urlpatterns = [
    path("new/", views.sheet_create, name="sheet_create"),
    path("<int:pk>/", views.sheet_detail, name="sheet_detail"),
    path("<int:pk>/header/", views.sheet_header, name="sheet_header"),
    path("<int:pk>/header/edit/", views.sheet_header_edit, name="sheet_header_edit"),
    path("<int:pk>/signers/add/", views.signer_add, name="signer_add"),
    path("<int:pk>/signers/<int:signer_pk>/edit/", views.signer_edit, name="signer_edit"),
    path("<int:pk>/signers/<int:signer_pk>/remove/", views.signer_remove, name="signer_remove"),
    path("<int:pk>/signers/<int:signer_pk>/move/", views.signer_move, name="signer_move"),
    path("<int:pk>/items/new/", views.item_create, name="item_create"),
    path("<int:pk>/items/renumber/", views.items_renumber, name="items_renumber"),
    path("<int:pk>/items/<int:item_pk>/", views.item_row, name="item_row"),
    path("<int:pk>/items/<int:item_pk>/edit/", views.item_edit, name="item_edit"),
    path("<int:pk>/items/<int:item_pk>/delete/", views.item_delete, name="item_delete"),
    path("<int:pk>/items/<int:item_pk>/move/", views.item_move, name="item_move"),
    path("<int:pk>/submit/", views.sheet_submit, name="sheet_submit"),
    path("<int:pk>/return/", views.sheet_return, name="sheet_return"),
    path("<int:pk>/accept/", views.sheet_accept, name="sheet_accept"),
    path("<int:pk>/revise/", views.sheet_revise, name="sheet_revise"),
    path("<int:pk>/history/", views.sheet_history, name="sheet_history"),
    path("<int:pk>/versions/<int:number>/", views.snapshot_detail, name="snapshot_detail"),
]

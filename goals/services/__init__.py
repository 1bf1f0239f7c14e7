"""Writes to sheets and items. Views, commands and imports call these, never the ORM directly.

One module per concern; this package re-exports the public services so that callers import
`from goals.services import item_create` whatever module a service lives in.
"""

from core.editing import EditConflict
from goals.history import changelog_record
from goals.services.editing import NOT_EDITABLE
from goals.services.imports import ItemData, SheetData, SheetImportError, SignerData, sheet_import
from goals.services.items import (
    ITEM_FIELD_LABELS,
    ItemInput,
    item_create,
    item_delete,
    item_move,
    item_update,
    items_renumber,
)
from goals.services.sheets import (
    sheet_create,
    sheet_header_update,
    sheet_start_from_previous,
    signer_add,
    signer_move,
    signer_remove,
    signer_update,
)
from goals.services.workflow import (
    sheet_accept,
    sheet_problems,
    sheet_return,
    sheet_revise,
    sheet_submit,
)
from goals.services.years import (
    category_create,
    department_create,
    fiscal_year_create,
    fiscal_year_update,
    section_create,
)

__all__ = [
    "ITEM_FIELD_LABELS",
    "NOT_EDITABLE",
    "EditConflict",
    "ItemData",
    "ItemInput",
    "SheetData",
    "SheetImportError",
    "SignerData",
    "category_create",
    "changelog_record",
    "department_create",
    "fiscal_year_create",
    "fiscal_year_update",
    "item_create",
    "item_delete",
    "item_move",
    "item_update",
    "items_renumber",
    "section_create",
    "sheet_accept",
    "sheet_create",
    "sheet_header_update",
    "sheet_import",
    "sheet_problems",
    "sheet_return",
    "sheet_revise",
    "sheet_start_from_previous",
    "sheet_submit",
    "signer_add",
    "signer_move",
    "signer_remove",
    "signer_update",
]

"""Excel in and out: the one module that knows openpyxl.

Export
    `sheet_xlsx(sheet, kind)` draws a department's sheet in the official layout (title, 作成日 and
    signers, the table with merged cells as printed, A4 landscape); `items_table_xlsx(rows, title=)`
    writes a flat table, one row per item and review, with the streaming writer. Both return
    `(filename, content_type, bytes)`.

Import
    `workbook_read(data, filename=)` checks the file (size, format, macros, encryption), finds the
    table by its header labels and reads what real sheets contain into an `ImportedSheet`
    (no database access). `import_plan(...)` then checks it against the database — categories,
    sections, the year's 達成状況 scale, an existing sheet — and lists every problem by row and
    column. Nothing is written until `excel.services.sheet_import_with_vocabulary` is called with
    the plan's data.

Typed text never becomes a formula: a cell that begins with `=`, `+`, `-` or `@` is written as a
string with Excel's quote prefix, so the text reads back exactly as typed.

The package re-exports its modules' public names."""

from excel.xlsx.cells import (
    ACHIEVEMENT,
    BASELINE,
    BOLD,
    BORDER,
    BULLET,
    CARRIERS,
    CATEGORY,
    CENTERED_COLUMNS,
    COLUMN_WIDTHS,
    CONTENT_TYPE,
    DEADLINE,
    FONT,
    FONT_NAME,
    FONT_SIZE,
    FORMULA_PREFIXES,
    HEADER_ALIGN,
    HEADER_FILL,
    HEADER_LABELS,
    INDICATOR,
    KIND_PLAN,
    KIND_YEAR_END,
    KINDS,
    LINE_HEIGHT,
    METHOD,
    NUMBER,
    SHORT_LABELS,
    STATUS,
    TARGET,
    TITLE,
    TITLE_FONT,
    WRAP_CENTER,
    WRAP_TOP,
    neutralise,
)
from excel.xlsx.export import (
    TABLE_COLUMNS,
    bullets_cell_text,
    items_table_xlsx,
    sheet_xlsx,
    workbook_bytes,
)
from excel.xlsx.mapping import (
    FIELD_CHOICES,
    ColumnHeading,
    chosen_headings,
    mapping_parse,
)
from excel.xlsx.payload import (
    achievements_from_payload,
    plan_payload,
    sheet_data_from_payload,
)
from excel.xlsx.plan import (
    ImportPlan,
    PlanRow,
    import_plan,
)
from excel.xlsx.reader import (
    HEADER_SEARCH_ROWS,
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UNCOMPRESSED_BYTES,
    OLE_SIGNATURE,
    PROSE_PROPERTY,
    ImportedItem,
    ImportedSheet,
    Problem,
    WorkbookError,
    bullets_from_cell,
    cell_text,
    check_upload,
    header_key,
    workbook_read,
)

__all__ = [
    "ACHIEVEMENT",
    "BASELINE",
    "BOLD",
    "BORDER",
    "BULLET",
    "CARRIERS",
    "CATEGORY",
    "CENTERED_COLUMNS",
    "COLUMN_WIDTHS",
    "CONTENT_TYPE",
    "DEADLINE",
    "FIELD_CHOICES",
    "FONT",
    "FONT_NAME",
    "FONT_SIZE",
    "FORMULA_PREFIXES",
    "HEADER_ALIGN",
    "HEADER_FILL",
    "HEADER_LABELS",
    "HEADER_SEARCH_ROWS",
    "INDICATOR",
    "KINDS",
    "KIND_PLAN",
    "KIND_YEAR_END",
    "LINE_HEIGHT",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_UNCOMPRESSED_BYTES",
    "METHOD",
    "NUMBER",
    "OLE_SIGNATURE",
    "PROSE_PROPERTY",
    "SHORT_LABELS",
    "STATUS",
    "TABLE_COLUMNS",
    "TARGET",
    "TITLE",
    "TITLE_FONT",
    "WRAP_CENTER",
    "WRAP_TOP",
    "ColumnHeading",
    "ImportPlan",
    "ImportedItem",
    "ImportedSheet",
    "PlanRow",
    "Problem",
    "WorkbookError",
    "achievements_from_payload",
    "bullets_cell_text",
    "bullets_from_cell",
    "cell_text",
    "check_upload",
    "chosen_headings",
    "header_key",
    "import_plan",
    "items_table_xlsx",
    "mapping_parse",
    "neutralise",
    "plan_payload",
    "sheet_data_from_payload",
    "sheet_xlsx",
    "workbook_bytes",
    "workbook_read",
]

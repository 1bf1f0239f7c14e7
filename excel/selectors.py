"""Reads for the Excel import."""

from excel.models import ColumnMapping


def column_mapping_for(*, department) -> dict[str, str]:
    """The column choices the department made last time (heading text → field)."""
    if department is None:
        return {}
    mapping = ColumnMapping.objects.filter(department=department).first()
    return dict(mapping.headings) if mapping else {}

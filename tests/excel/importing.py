"""Reading a workbook and writing it through the services, as the view and the command do."""

from excel import xlsx
from excel.services import sheet_import_with_vocabulary
from goals.models import FiscalYear


def plan_for(
    content: bytes, year: int, department: str, *, mapping=None, **options
) -> xlsx.ImportPlan:
    imported = xlsx.workbook_read(content, filename="test.xlsx", mapping=mapping)
    return xlsx.import_plan(imported, fiscal_year=year, department=department, **options)


def import_workbook(content: bytes, year: int, department: str, *, replace=False, **options):
    plan = plan_for(content, year, department, **options)
    assert plan.ok, [str(problem) for problem in plan.problems]
    return sheet_import_with_vocabulary(
        fiscal_year=plan.fiscal_year or FiscalYear.objects.get(year=year),
        department=plan.department,
        data=plan.data,
        achievements=plan.achievements,
        new_categories=plan.new_categories,
        new_sections=plan.new_sections,
        replace=replace,
    )

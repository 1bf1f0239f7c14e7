"""Demo: publish what a new user should find at /public/ after `make run`.

The accepted 令和8年度 市民部 sheet (目標) and the 令和7年度 福祉部 results (達成状況). Publishing
again what is already published changes nothing, so loading the demo twice is harmless.
"""

from django.core.exceptions import ValidationError

from departments.models import Department
from goals.models import FiscalYear
from publication.models import PublicationKind
from publication.services import publication_publish

DEMO_PUBLICATIONS = [
    (2026, PublicationKind.GOALS, "市民部"),
    (2025, PublicationKind.RESULTS, "福祉部"),
]


def publish_demo(*, user=None) -> list[str]:
    """What was published (labels), skipping a year or department the demo data lacks."""
    done = []
    for year, kind, name in DEMO_PUBLICATIONS:
        fiscal_year = FiscalYear.objects.filter(year=year).first()
        department = Department.objects.filter(name=name).first()
        if fiscal_year is None or department is None:
            continue
        try:
            report = publication_publish(
                fiscal_year=fiscal_year, kind=kind, departments=[department], user=user
            )
        except ValidationError:
            continue
        if report.published:
            done.append(f"{fiscal_year.label} {name}（{kind.label}）")
    return done

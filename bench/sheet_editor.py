"""Benchmark: the sheet editor's pages and in-place actions on a sheet of 5, 50 and 200 items
with 200–400-character cells.

A throwaway test database is built (SQLite in memory by default, or `test_<name>` on the
PostgreSQL of DATABASE_URL); each request runs in-process through Django's test client and the
median time and the query count are printed. Target: under 200 ms for 50 items.

    .venv/bin/python bench/sheet_editor.py
    .venv/bin/python bench/sheet_editor.py --repeat 30
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

SIZES = (5, 50, 200)
TARGET_MS = 200
LONG = "市民サービスの向上に向けて関係各課と連携し、業務の目的と根拠を明確にしたうえで、"


def build(size: int):
    from departments.models import Role
    from goals.models import GoalItem, GoalItemSection, SheetSigner
    from tests import factories

    fiscal_year = factories.FiscalYearFactory()
    department = factories.DepartmentFactory(name=f"部{size}", display_order=size)
    sections = [
        factories.SectionFactory(department=department, name=f"第{index}課{size}")
        for index in range(4)
    ]
    head = factories.UserFactory(username=f"head{size}", last_name="部長")
    factories.RoleAssignmentFactory(
        user=head, fiscal_year=fiscal_year.year, role=Role.DEPARTMENT_HEAD, department=department
    )
    sheet = factories.GoalSheetFactory(fiscal_year=fiscal_year, department=department)
    SheetSigner.objects.create(sheet=sheet, title="部長", name="部長 太郎")
    category = factories.CategoryFactory(name="施政方針")
    items = GoalItem.objects.bulk_create(
        GoalItem(
            sheet=sheet,
            position=position,
            number=position + 1,
            title=f"実施項目{position + 1} " + LONG[:40],
            category=category,
            achievement="\n".join([LONG * 2, LONG, LONG * 2]),
            method="\n".join([LONG, LONG * 2, LONG, LONG]),
            deadline="年度末",
        )
        for position in range(size)
    )
    GoalItemSection.objects.bulk_create(
        GoalItemSection(item=item, section=section, position=index)
        for item in items
        for index, section in enumerate(sections[: 1 + item.position % 3])
    )
    return head, sheet, items, sections


def measure(call, repeat: int):
    times = []
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code in (200, 302), response.status_code
    count = len(queries)
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), count


def bench_size(size: int, repeat: int) -> None:
    head, sheet, items, sections = build(size)
    client = Client()
    client.force_login(head)
    htmx = {"HTTP_HX_REQUEST": "true"}
    item = items[size // 2]
    base = f"/sheets/{sheet.pk}"
    data = {
        "number": str(item.number),
        "title": item.title,
        "achievement": item.achievement,
        "method": item.method,
        "sections": [str(sections[0].pk)],
    }

    def save():
        # Every run changes the deadline, so that every save writes and records history.
        item.refresh_from_db(fields=["version"])
        deadline = "12月" if item.version % 2 else "年度末"
        payload = {**data, "deadline": deadline, "version": str(item.version)}
        return client.post(f"{base}/items/{item.pk}/edit/", payload, **htmx)

    cases = [
        ("GET sheet page", lambda: client.get(f"{base}/")),
        ("GET edit form row (htmx)", lambda: client.get(f"{base}/items/{item.pk}/edit/", **htmx)),
        ("POST save row (htmx)", save),
        (
            "POST move up (htmx, table body)",
            lambda: client.post(f"{base}/items/{item.pk}/move/", {"direction": "up"}, **htmx),
        ),
        ("GET history", lambda: client.get(f"{base}/history/")),
    ]
    for label, call in cases:
        median, count = measure(call, repeat)
        flag = "" if size > 50 or median < TARGET_MS else "  ← over target"
        print(f"{size:>6} {label:<34} {median:>8.1f} {count:>8}{flag}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    setup_test_environment()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"sheet editor benchmark ({connection.vendor}), median of {args.repeat} runs")
        print(f"{'items':>6} {'request':<34} {'ms':>8} {'queries':>8}")
        for size in SIZES:
            bench_size(size, args.repeat)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

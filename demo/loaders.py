"""Demo data: the published sheets in `fixtures/`, their organisation, scales and demo logins.

Loading is idempotent: reference data is matched by name, a sheet that already exists is left
alone (or rebuilt with `reset`), users and role assignments are created once.
"""

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from departments.models import Department, RoleAssignment, Section
from goals.models import Category, FiscalYear, GoalSheet
from goals.services import ItemData, SheetData, SignerData, sheet_import
from publication.demo import publish_demo
from reviews.models import AchievementLevel, AchievementScale, ProgressMark, ProgressScale
from reviews.services import ReviewData, review_import, reviews_import_achievements

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DEMO_PASSWORD = "demo"  # noqa: S105 - documented demo logins, refused when DEBUG is off


@dataclass
class DemoLogin:
    username: str
    role: str
    name: str


@dataclass
class DemoReport:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    logins: list[DemoLogin] = field(default_factory=list)


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _load_reference(city: dict) -> None:
    for order, entry in enumerate(city["categories"]):
        Category.objects.update_or_create(
            name=entry["name"],
            defaults={"display_order": order, "is_active": entry.get("is_active", True)},
        )
    for entry in city["progress_scales"]:
        scale, _ = ProgressScale.objects.get_or_create(name=entry["name"])
        for position, mark in enumerate(entry["marks"]):
            ProgressMark.objects.update_or_create(
                scale=scale,
                symbol=mark["symbol"],
                defaults={"meaning": mark["meaning"], "position": position},
            )
    for entry in city["achievement_scales"]:
        scale, _ = AchievementScale.objects.get_or_create(name=entry["name"])
        for position, level in enumerate(entry["levels"]):
            AchievementLevel.objects.update_or_create(
                scale=scale,
                label=level["label"],
                defaults={"code": level.get("code", ""), "position": position},
            )
    for entry in city["fiscal_years"]:
        FiscalYear.objects.update_or_create(
            year=entry["year"],
            defaults={
                "phase": entry["phase"],
                "sheet_deadline": entry.get("sheet_deadline"),
                "mid_year_deadline": entry.get("mid_year_deadline"),
                "year_end_deadline": entry.get("year_end_deadline"),
                "title_with_department": entry.get("title_with_department", False),
                "progress_scale": ProgressScale.objects.get(name=entry["progress_scale"]),
                "achievement_scale": AchievementScale.objects.get(name=entry["achievement_scale"]),
            },
        )
    for entry in city["departments"]:
        department, _ = Department.objects.update_or_create(
            name=entry["name"],
            defaults={"head_title": entry["head_title"], "display_order": entry["display_order"]},
        )
        for order, section in enumerate(entry["sections"]):
            Section.objects.update_or_create(
                department=department,
                name=section["name"],
                defaults={
                    "chief_title": section.get("chief_title", ""),
                    "mission": section.get("mission", ""),
                    "display_order": order,
                    "active_from": section.get("active_from"),
                    "active_until": section.get("active_until"),
                },
            )


def _load_users(city: dict, report: DemoReport, password: str) -> None:
    user_model = get_user_model()
    for entry in city["users"]:
        user, created = user_model.objects.get_or_create(
            username=entry["username"],
            defaults={
                "last_name": entry["last_name"],
                "first_name": entry["first_name"],
                "is_superuser": entry.get("superuser", False),
                "is_staff": entry.get("superuser", False),
                # Mail goes to the console under `make run`: a demo login receives it there.
                "email": f"{entry['username']}@example.jp",
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        for assignment in entry.get("assignments", []):
            department = (
                Department.objects.get(name=assignment["department"])
                if assignment.get("department")
                else None
            )
            section = (
                Section.objects.get(department=department, name=assignment["section"])
                if assignment.get("section")
                else None
            )
            RoleAssignment.objects.get_or_create(
                user=user,
                fiscal_year=assignment["year"],
                role=assignment["role"],
                department=department,
                section=section,
                defaults={"title": assignment.get("title", "")},
            )
        report.logins.append(
            DemoLogin(entry["username"], entry["role_label"], f"{user.last_name} {user.first_name}")
        )


_ITEM_FIELDS = set(ItemData.__dataclass_fields__)


def sheet_data_from_json(raw: dict) -> SheetData:
    return SheetData(
        created_on=datetime.date.fromisoformat(raw["created_on"]),
        revisions=[datetime.date.fromisoformat(day) for day in raw.get("revisions", [])],
        signers=[SignerData(**signer) for signer in raw["signers"]],
        items=[
            ItemData(**{key: value for key, value in item.items() if key in _ITEM_FIELDS})
            for item in raw["items"]
        ],
    )


def _load_sheet(path: Path, report: DemoReport, reset: bool) -> None:
    raw = _read(path)
    fiscal_year = FiscalYear.objects.get(year=raw["fiscal_year"])
    department = Department.objects.get(name=raw["department"])
    label = f"{fiscal_year.label} {department.name}"
    if (
        not reset
        and GoalSheet.objects.filter(fiscal_year=fiscal_year, department=department).exists()
    ):
        report.skipped.append(label)
        return
    data = sheet_data_from_json(raw)
    sheet = sheet_import(
        fiscal_year=fiscal_year,
        department=department,
        data=data,
        status=raw["status"],
        replace=reset,
    )
    reviews_import_achievements(
        sheet=sheet,
        achievements={
            position: item.achievement_status
            for position, item in enumerate(data.items)
            if item.achievement_status
        },
    )
    items = list(sheet.items.order_by("position"))
    for item, raw_item in zip(items, raw["items"], strict=True):
        for review in raw_item.get("reviews", []):
            review_import(item=item, data=ReviewData(**review))
    report.created.append(f"{label}（{len(items)}項目）")


@transaction.atomic
def load_demo(
    *, reset: bool = False, create_users: bool = True, password: str = DEMO_PASSWORD
) -> DemoReport:
    """The demo data; new demo logins get `password` (the documented `demo` unless given)."""
    report = DemoReport()
    city = _read(FIXTURES / "city.json")
    _load_reference(city)
    if create_users:
        _load_users(city, report, password)
    for path in sorted((FIXTURES / "sheets").glob("*.json")):
        _load_sheet(path, report, reset)
    publish_demo()  # the public site is not empty after `make run`
    return report

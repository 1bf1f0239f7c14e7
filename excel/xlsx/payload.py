"""Carrying a checked plan from the preview to the confirmation."""

from __future__ import annotations

import datetime
from dataclasses import asdict

from excel.xlsx.mapping import chosen_headings
from excel.xlsx.plan import ImportPlan
from goals.services import ItemData, SheetData, SignerData

# Carrying a checked plan from the preview to the confirmation (signed, never trusted blindly:
# the services check everything again when writing).


def plan_payload(plan: ImportPlan) -> dict:
    data = plan.data
    return {
        "fiscal_year": plan.fiscal_year.pk,
        "department": plan.department.pk,
        "existing_version": plan.existing.version if plan.existing else None,
        "filename": plan.imported.filename,
        "created_on": data.created_on.isoformat(),
        "revisions": [day.isoformat() for day in data.revisions],
        "signers": [[signer.title, signer.name] for signer in data.signers],
        "items": [asdict(item) for item in data.items],
        "achievements": [
            [position, [list(line) for line in lines]]
            for position, lines in plan.achievements.items()
        ],
        "new_categories": plan.new_categories,
        "new_sections": plan.new_sections,
        "mismatches": plan.mismatches,
        "chosen_headings": chosen_headings(plan.imported.headings),
    }


def sheet_data_from_payload(payload: dict) -> SheetData:
    fields = set(ItemData.__dataclass_fields__)
    return SheetData(
        created_on=datetime.date.fromisoformat(payload["created_on"]),
        revisions=[datetime.date.fromisoformat(day) for day in payload["revisions"]],
        signers=[SignerData(title=title, name=name) for title, name in payload["signers"]],
        items=[
            ItemData(**{key: value for key, value in item.items() if key in fields})
            for item in payload["items"]
        ],
    )


def achievements_from_payload(payload: dict) -> dict[int, list[tuple[str, str]]]:
    return {
        int(position): [(section, phrase) for section, phrase in lines]
        for position, lines in payload["achievements"]
    }

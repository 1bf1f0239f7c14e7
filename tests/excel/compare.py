"""A sheet as plain data, from the database or from a fixture, to compare field by field."""

from core import text
from demo.loaders import sheet_data_from_json
from reviews.models import Review, ReviewStatus, Stage

ITEM_FIELDS = [
    "number",
    "title",
    "continues_title",
    "continues_achievement",
    "category",
    "achievement",
    "achievement_as_prose",
    "method",
    "method_as_prose",
    "deadline",
    "common",
    "sections",
    "indicator",
    "baseline",
    "target",
]


def sheet_contents(sheet, *, with_status: bool = True) -> dict:
    """Everything an Excel sheet carries, read back from the database."""
    statuses: dict[int, set[str]] = {}
    if with_status:
        reviews = Review.objects.filter(
            item__sheet=sheet, stage=Stage.YEAR_END, status=ReviewStatus.CONFIRMED
        ).select_related("achievement_level", "section")
        for review in reviews:
            statuses.setdefault(review.item_id, set()).add(
                (
                    review.section.name if review.section_id else "",
                    _tilde(review.achievement_level.label),
                )
            )
    items = []
    for item in sheet.items.order_by("position").prefetch_related("carriers__section"):
        items.append(
            {
                "number": item.number,
                "title": item.title,
                "continues_title": item.continues_title,
                "continues_achievement": item.continues_achievement,
                "category": item.category.name if item.category_id else "",
                "achievement": item.achievement_bullets,
                "achievement_as_prose": item.achievement_as_prose,
                "method": item.method_bullets,
                "method_as_prose": item.method_as_prose,
                "deadline": item.deadline,
                "common": item.is_common,
                "sections": [carrier.section.name for carrier in item.carriers.all()],
                "indicator": item.indicator,
                "baseline": item.baseline,
                "target": item.target,
                "achievement_status": statuses.get(item.pk, set()),
            }
        )
    return {
        "created_on": sheet.created_on,
        "revisions": [revision.revised_on for revision in sheet.revisions.all()],
        "signers": [(signer.title, signer.name) for signer in sheet.signers.all()],
        "items": items,
    }


def fixture_contents(raw: dict) -> dict:
    """The same shape from a fixture's JSON (a 達成状況 phrase goes to every carrier)."""
    data = sheet_data_from_json(raw)
    items = []
    for item in data.items:
        carriers = item.sections if item.sections else [""]
        status = (
            {(name, _tilde(item.achievement_status)) for name in carriers}
            if item.achievement_status
            else set()
        )
        items.append({field: getattr(item, field) for field in ITEM_FIELDS})
        items[-1]["achievement_status"] = status
    return {
        "created_on": data.created_on,
        "revisions": data.revisions,
        "signers": [(signer.title, signer.name) for signer in data.signers],
        "items": items,
    }


def _tilde(phrase: str) -> str:
    return text.unify_tildes(phrase)


def assert_same(actual: dict, expected: dict, *, with_status: bool = True) -> None:
    """Field by field, so that a failure names the item and the field."""
    for key in ("created_on", "revisions", "signers"):
        assert actual[key] == expected[key], key
    assert len(actual["items"]) == len(expected["items"])
    for position, (got, want) in enumerate(zip(actual["items"], expected["items"], strict=True)):
        fields = [*ITEM_FIELDS, "achievement_status"] if with_status else ITEM_FIELDS
        for field in fields:
            assert got[field] == want[field], (
                f"{position + 1}件目（番号{want['number']}）の {field}"
            )

"""notifications sits above goals and reviews: they send signals and never import it."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

BELOW = ["goals", "reviews", "departments"]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("app", BELOW)
def test_goals_and_reviews_never_import_notifications(app):
    root = Path(settings.BASE_DIR) / app
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in root.rglob("*.py")
        if any(name.split(".")[0] == "notifications" for name in imported_modules(path))
    ]
    assert offenders == []

"""The review templates obey the Content Security Policy: no inline styles, scripts or handlers."""

import re
from pathlib import Path

from django.conf import settings

TEMPLATES = sorted((Path(settings.BASE_DIR) / "templates" / "reviews").glob("*.html"))


def test_templates_exist():
    assert len(TEMPLATES) > 5


def test_no_inline_styles_scripts_or_event_handlers():
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\sstyle\s*=", text), path.name
        assert not re.search(r"<script(?![^>]*\ssrc=)", text), path.name
        assert not re.search(r"\son[a-z]+\s*=", text), path.name
        assert "hx-on" not in text, path.name


def test_every_htmx_request_has_a_plain_fallback():
    """Each hx-get/hx-post sits on a link with href or a form with action."""
    for path in TEMPLATES:
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:a|form)\b[^>]*hx-(?:get|post)=[^>]*>", text, re.S):
            assert "href=" in tag or "action=" in tag, (path.name, tag)

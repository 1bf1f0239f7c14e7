"""The prints are tagged PDF (PDF/UA-1): language, title and the table's structure, read back."""

import io

import pikepdf
import pytest

from goals.models import PrintKind
from printing import pdf


def _structure(data: bytes):
    """The structure tree as nested (type, children) pairs, and the document's catalog facts."""
    document = pikepdf.open(io.BytesIO(data))

    def walk(node):
        if isinstance(node, pikepdf.Array):
            return [child for kid in node for child in walk(kid)]
        if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
            return []  # marked content (an MCID) or an object reference
        kids = node.get("/K")
        children = walk(kids) if kids is not None else []
        return [(str(node.S), children)]

    root = document.Root
    tree = walk(root.StructTreeRoot.K)
    title = str(document.open_metadata().get("dc:title", ""))
    return tree, str(root.get("/Lang", "")), title, bool(root.MarkInfo.Marked)


def _find(tree, kind):
    for node_type, children in tree:
        if node_type == kind:
            yield children
        yield from _find(children, kind)


@pytest.mark.parametrize("kind", [PrintKind.PLAN, PrintKind.YEAR_END, PrintKind.MID_YEAR])
def test_the_sheet_is_tagged_with_its_table_and_header_cells(org, kind):
    _, _, data = pdf.sheet_pdf(org.sheet_a, kind)

    tree, lang, title, marked = _structure(data)

    assert lang == "ja"
    assert marked
    assert title.startswith(org.sheet_a.title) and "市民部" in title
    tables = list(_find(tree, "/Table"))
    assert tables, tree
    main = max(tables, key=lambda children: len(list(_find(children, "/TD"))))
    headers = list(_find(main, "/TH"))
    assert len(headers) >= 7  # 番号, 実施項目, 計画・方針等の分類, どの水準まで, …
    assert list(_find(main, "/TD"))
    assert list(_find(main, "/TR"))


def test_the_section_review_sheet_is_tagged(org):
    _, _, data = pdf.section_review_pdf(org.sheet_a, org.section_a1)

    tree, lang, _, _ = _structure(data)

    assert lang == "ja"
    assert len(list(_find(tree, "/TH"))) >= 14

"""User text is text: it can never make WeasyPrint fetch a URL or read a file."""

import pytest

from printing import pdf
from tests.printing.pdf.pdfcheck import squeeze, text

HOSTILE = [
    '<img src="file:///etc/passwd">',
    "url(http://attacker.invalid/x.png)",
    '<link rel="stylesheet" href="http://attacker.invalid/a.css">',
    "<style>@import url(file:///etc/shadow);</style>",
    '<object data="file:///etc/hostname"></object>',
]


def test_hostile_text_prints_as_text_and_nothing_is_fetched(org, fresh_renderer):
    item = org.item_a
    item.title = HOSTILE[0]
    item.achievement = "\n".join(HOSTILE[1:3])
    item.method = "\n".join(HOSTILE[3:])
    item.save()
    org.sheet_a.signers.create(title='"><script>alert(1)</script>', name="&amp; 山田")
    renderer = fresh_renderer()
    fonts_loaded = list(renderer.fetcher.requested)

    _, _, data = pdf.sheet_pdf(org.sheet_a)

    flat = squeeze(text(data))
    for hostile in HOSTILE:
        assert squeeze(hostile) in flat, hostile
    assert squeeze('"><script>alert(1)</script>') in flat
    assert "&amp;山田" in flat
    assert list(renderer.fetcher.requested) == fonts_loaded  # nothing asked for while rendering
    assert list(renderer.fetcher.refused) == []
    assert all(url.endswith(".ttf") for url in fonts_loaded)


def test_the_renderer_refuses_any_url_a_document_might_contain(fresh_renderer, settings):
    renderer = fresh_renderer()
    font = pdf.asset_paths()[pdf.FONTS[0]]
    html = (
        '<html><body><img src="file:///etc/passwd"><img src="http://attacker.invalid/x.png">'
        f'<img src="{font.parent.as_uri()}/../../manage.py">'
        '<p style="background: url(data:image/png;base64,iVBORw0KGgo=)">本文</p></body></html>'
    )

    data = pdf.render_pdf(html)

    assert data.startswith(b"%PDF")
    assert "file:///etc/passwd" in renderer.fetcher.refused
    assert "http://attacker.invalid/x.png" in renderer.fetcher.refused
    assert any(url.endswith("manage.py") for url in renderer.fetcher.refused)
    assert any(url.startswith("data:") for url in renderer.fetcher.refused)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://otherhost/static/fonts/BIZUDPGothic-Regular.ttf",
        "http://127.0.0.1/static/fonts/BIZUDPGothic-Regular.ttf",
        "https://example.invalid/",
        "data:text/css,body{}",
        "ftp://example.invalid/x",
    ],
)
def test_the_fetcher_refuses_everything_but_its_files(url):
    fetcher = pdf.ProjectFilesFetcher(pdf.asset_paths().values())

    with pytest.raises(ValueError):
        fetcher.fetch(url)

    assert list(fetcher.refused) == [url]


def test_the_fetcher_serves_its_files_even_through_dot_segments():
    font = pdf.asset_paths()[pdf.FONTS[0]]
    fetcher = pdf.ProjectFilesFetcher(pdf.asset_paths().values())

    response = fetcher.fetch(f"{font.parent.as_uri()}/../fonts/{font.name}")

    assert response.read(4) == font.read_bytes()[:4]
    assert list(fetcher.refused) == []


def test_a_failed_rendering_is_an_error_not_a_partial_file(monkeypatch):
    def broken(self, html):
        raise RuntimeError("pango crashed")

    monkeypatch.setattr(pdf.Renderer, "render", broken)

    with pytest.raises(pdf.PdfRenderError, match="PDF を作成できませんでした"):
        pdf.render_pdf("<p>本文</p>")

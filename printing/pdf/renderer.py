"""Rendering HTML to PDF with WeasyPrint: the bundled fonts and stylesheet, a URL fetcher
that serves nothing else, and the cache of rendered parts. No model is imported here."""

import hashlib
import io
import logging
import os
import threading
from collections import deque
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from pypdf import PdfReader
from weasyprint.urls import URLFetcher, URLFetcherResponse

from printing.glyphs import FONTS, font_paths, missing_characters, replace_missing
from printing.pdf.fonts import IsolatedFontConfiguration

logger = logging.getLogger(__name__)

PDF_CONTENT_TYPE = "application/pdf"

# Bump when the output changes in a way the HTML does not show (the assembly, say), so that
# cached department renderings are not reused.
RENDERER_VERSION = "3"

PDF_VARIANT = "pdf/ua-1"
STYLESHEET = "pdf/sheet.css"
USER_AGENT_STYLESHEET = "pdf/ua.css"
ASSETS = (STYLESHEET, USER_AGENT_STYLESHEET, *FONTS)
_MEDIA_TYPES = {".css": "text/css", ".ttf": "font/ttf"}


RENDER_FAILED = "PDF を作成できませんでした。時間をおいてもう一度お試しください。"


class PdfRenderError(Exception):
    """The PDF could not be made; the message is for the user, in Japanese."""


# Rendering ---------------------------------------------------------------------------------


@cache
def asset_paths() -> dict[str, Path]:
    """The static files the renderer may read, found like any static file."""
    paths = {}
    for name in ASSETS:
        found = finders.find(name)
        if not found:
            raise ImproperlyConfigured(f"PDF に必要な静的ファイル {name} が見つかりません。")
        paths[name] = Path(found).resolve()
    return paths


def font_dir() -> Path:
    """static/fonts: the only fonts the prints may use."""
    return asset_paths()[FONTS[0]].parent


def unprintable(text: str) -> list[str]:
    """The characters of `text` that the bundled fonts cannot draw."""
    return missing_characters(text, font_paths())


class ProjectFilesFetcher(URLFetcher):
    """Serves the project's own fonts and stylesheet to WeasyPrint and refuses everything else:
    no network, no other file, whatever URL a document may contain."""

    def __init__(self, allowed: Iterable[Path]):
        super().__init__(allowed_protocols=["file"], allow_redirects=False)
        self._allowed = {path.resolve() for path in allowed}
        # The last URLs asked for and refused, for tests and logs; bounded because the renderer
        # lives as long as its worker process.
        self.requested: deque[str] = deque(maxlen=200)
        self.refused: deque[str] = deque(maxlen=200)

    def fetch(self, url, headers=None):
        self.requested.append(url)
        parts = urlsplit(url)
        path = None
        if parts.scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(url2pathname(unquote(parts.path))).resolve()
        if path is None or path not in self._allowed:
            self.refused.append(url)
            logger.warning("PDF: refused to fetch %s", url[:200])
            raise ValueError("このアドレスは PDF の作成に使えません。")
        return URLFetcherResponse(
            path.as_uri(),
            body=path.read_bytes(),
            headers={"Content-Type": _MEDIA_TYPES.get(path.suffix, "application/octet-stream")},
        )


class SheetHTML(weasyprint.HTML):
    """An HTML document whose user-agent stylesheet is ours (static/pdf/ua.css): WeasyPrint's
    HTML5 one, made for any page, cost a third of the rendering time. (Should a WeasyPrint
    release rename this hook, its own stylesheet applies again: slower, same result.)"""

    user_agent_stylesheet = None

    def _ua_stylesheets(self, forms=False):
        if self.user_agent_stylesheet is None:
            return super()._ua_stylesheets(forms)
        return [self.user_agent_stylesheet]


class Renderer:
    """WeasyPrint with the stylesheets parsed and the fonts loaded once (per thread)."""

    def __init__(self):
        paths = asset_paths()
        self.fetcher = ProjectFilesFetcher(paths.values())
        self.font_config = IsolatedFontConfiguration(font_paths()[0].parent)
        self.stylesheet = self._css(paths[STYLESHEET])
        self.user_agent_stylesheet = self._css(paths[USER_AGENT_STYLESHEET])
        self.base_url = paths[STYLESHEET].parent.as_uri() + "/"

    def _css(self, path: Path):
        return weasyprint.CSS(
            filename=str(path), url_fetcher=self.fetcher, font_config=self.font_config
        )

    def render(self, html: str, *, tagged: bool = True) -> bytes:
        document = SheetHTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher)
        document.user_agent_stylesheet = self.user_agent_stylesheet
        # Tagged (PDF/UA-1): the language (html lang), the title (<title>), headings, lists
        # and tables with their header cells, for screen readers and the city's website.
        return document.write_pdf(
            stylesheets=[self.stylesheet],
            font_config=self.font_config,
            pdf_variant=PDF_VARIANT if tagged else None,
        )


_local = threading.local()


def thread_renderer() -> Renderer:
    """This thread's renderer (WeasyPrint's font configuration is not shared across threads)."""
    if getattr(_local, "renderer", None) is None:
        _local.renderer = Renderer()
    return _local.renderer


def render_pdf(html: str, *, tagged: bool = True) -> bytes:
    """HTML to PDF bytes, or PdfRenderError: never a partial file. `tagged`: PDF/UA-1, with its
    structure tree (the parts of the city bundle are not: pypdf cannot join structure trees,
    and parsing them back cost most of the bundle's assembly)."""
    try:
        return thread_renderer().render(replace_missing(html, font_paths()), tagged=tagged)
    except Exception as error:
        logger.exception("PDF rendering failed")
        raise PdfRenderError(RENDER_FAILED) from error


@cache
def renderer_fingerprint() -> str:
    """What besides the HTML decides the output: our version, WeasyPrint's, the CSS, the fonts."""
    digest = hashlib.sha256(f"{RENDERER_VERSION}|{weasyprint.__version__}".encode())
    for name, path in sorted(asset_paths().items()):
        digest.update(name.encode())
        # The stylesheet by content; a font (4 MB) by size, which changes with its version.
        content = path.read_bytes() if path.suffix == ".css" else str(path.stat().st_size).encode()
        digest.update(content)
    return digest.hexdigest()


def page_count(data: bytes | Path) -> int:
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    return len(PdfReader(source).pages)


# The cache of rendered parts (by a hash of the HTML and the renderer) ---------------------


def cache_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "pdf" / "cache"


def cache_path(html: str) -> Path:
    key = hashlib.sha256(renderer_fingerprint().encode() + html.encode()).hexdigest()
    return cache_dir() / f"{key}.pdf"


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")
    partial.write_bytes(data)
    os.replace(partial, path)


def render_to_cache(html: str, path: str) -> None:
    """Render one part of the city bundle into the cache (in a worker process or here)."""
    _write_atomically(Path(path), render_pdf(html, tagged=False))


def render_cached(html: str) -> bytes:
    """The PDF of `html` from the cache of rendered parts (the one the whole-city bundle
    keeps), rendered and kept there only when that exact content was never printed."""
    path = cache_path(html)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = render_pdf(html)
        _write_atomically(path, data)
    else:
        os.utime(path)  # recently used: kept when old renderings are cleared
    return data

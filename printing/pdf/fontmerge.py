"""One font program per font in the whole-city bundle, not one per department.

Each department is rendered on its own (and cached), so each part embeds its own subset of the
same bundled font. WeasyPrint subsets keeping the glyph ids of the original font (HarfBuzz's
RETAIN_GIDS), so one subset holding the glyphs of every part can stand in for all of them:
`share_fonts` builds it (HarfBuzz's subsetter, milliseconds) from the file in static/fonts and
points every part's font descriptor at that single stream. Widths and ToUnicode maps stay per
part (they are small)."""

import hashlib
import io
from functools import cache
from pathlib import Path

import cffi
from fontTools.ttLib import TTFont
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
)

_ffi = cffi.FFI()
_ffi.cdef(
    """
    typedef struct hb_blob_t hb_blob_t;
    typedef struct hb_face_t hb_face_t;
    typedef struct hb_set_t hb_set_t;
    typedef struct hb_subset_input_t hb_subset_input_t;
    hb_blob_t *hb_blob_create_from_file_or_fail (const char *file_name);
    void hb_blob_destroy (hb_blob_t *blob);
    const char *hb_blob_get_data (hb_blob_t *blob, unsigned int *length);
    hb_face_t *hb_face_create (hb_blob_t *blob, unsigned int index);
    void hb_face_destroy (hb_face_t *face);
    hb_blob_t *hb_face_reference_blob (hb_face_t *face);
    void hb_set_add (hb_set_t *set, uint32_t codepoint);
    hb_subset_input_t *hb_subset_input_create_or_fail (void);
    void hb_subset_input_destroy (hb_subset_input_t *input);
    hb_set_t *hb_subset_input_glyph_set (hb_subset_input_t *input);
    void hb_subset_input_set_flags (hb_subset_input_t *input, unsigned value);
    hb_face_t *hb_subset_or_fail (hb_face_t *source, const hb_subset_input_t *input);
    """
)
# The flags WeasyPrint subsets with: the glyph ids stay those of the original font.
_RETAIN_GIDS = 0x2
_DESUBROUTINIZE = 0x4
_PASSTHROUGH_UNRECOGNIZED = 0x20
_NO_HINTING = 0x1


@cache
def _harfbuzz():
    for name in ("libharfbuzz-subset.so.0", "harfbuzz-subset", "libharfbuzz-subset.0.dylib"):
        try:
            return _ffi.dlopen(name)
        except OSError:
            continue
    return None


def _subset(path: Path, gids: set[int]) -> bytes | None:
    """The font at `path` with only `gids` (ids unchanged), or None without HarfBuzz."""
    hb = _harfbuzz()
    if hb is None:
        return None
    blob = hb.hb_blob_create_from_file_or_fail(str(path).encode())
    if blob == _ffi.NULL:
        return None
    face = hb.hb_face_create(blob, 0)
    subset_input = hb.hb_subset_input_create_or_fail()
    try:
        glyphs = hb.hb_subset_input_glyph_set(subset_input)
        for gid in sorted(gids | {0}):
            hb.hb_set_add(glyphs, gid)
        hb.hb_subset_input_set_flags(
            subset_input, _RETAIN_GIDS | _DESUBROUTINIZE | _PASSTHROUGH_UNRECOGNIZED | _NO_HINTING
        )
        result = hb.hb_subset_or_fail(face, subset_input)
        if result == _ffi.NULL:
            return None
        data_blob = hb.hb_face_reference_blob(result)
        length = _ffi.new("unsigned int *")
        data = bytes(_ffi.buffer(hb.hb_blob_get_data(data_blob, length), length[0]))
        hb.hb_blob_destroy(data_blob)
        hb.hb_face_destroy(result)
        return data
    finally:
        hb.hb_subset_input_destroy(subset_input)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)


def _postscript_name(data: bytes) -> str:
    font = TTFont(io.BytesIO(data), lazy=True)
    return str(font["name"].getDebugName(6) or "")


@cache
def _sources(paths: tuple[Path, ...]) -> dict[str, Path]:
    """The bundled font files by PostScript name (what a subset keeps in its name table)."""
    return {_postscript_name(path.read_bytes()): path for path in paths}


def _gids(widths) -> set[int]:
    """The glyph ids a CIDFont's /W array lists: [first [w w …] first [w …] …]."""
    gids: set[int] = set()
    items = list(widths or [])
    index = 0
    while index + 1 < len(items):
        first, value = int(items[index]), items[index + 1]
        if isinstance(value, ArrayObject):
            gids.update(range(first, first + len(value)))
            index += 2
        else:  # first last width
            gids.update(range(first, int(value) + 1))
            index += 3
    return gids


def share_fonts(writer: PdfWriter, font_paths: tuple[Path, ...]) -> int:
    """Replace every part's subset of a bundled font by one subset of all the glyphs used;
    returns how many font programs the document embeds afterwards."""
    sources = _sources(font_paths)
    # (source path) -> [(cid font, descriptor)], and the glyphs they use.
    users: dict[Path, list[tuple[DictionaryObject, ...]]] = {}
    used: dict[Path, set[int]] = {}
    names: dict[int, str] = {}
    for page in writer.pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for font in fonts.values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts") or []:
                cid_font = descendant.get_object()
                descriptor = cid_font["/FontDescriptor"].get_object()
                stream_ref = descriptor.raw_get("/FontFile2")
                if stream_ref is None:
                    continue
                key = stream_ref.idnum
                if key not in names:
                    names[key] = _postscript_name(stream_ref.get_object().get_data())
                source = sources.get(names[key])
                if source is None:
                    continue
                entries = users.setdefault(source, [])
                if all(cid_font is not seen for _, seen, _ in entries):
                    entries.append((font, cid_font, descriptor))
                    used.setdefault(source, set()).update(_gids(cid_font.get("/W")))
    for source, entries in users.items():
        data = _subset(source, used[source])
        if data is None:
            continue
        stream = DecodedStreamObject()
        stream.set_data(data)
        stream[NameObject("/Length1")] = NumberObject(len(data))
        stream = stream.flate_encode()
        reference = writer._add_object(stream)
        tag = "".join(chr(ord("A") + byte % 26) for byte in hashlib.sha256(data).digest()[:6])
        base = NameObject(f"/{tag}+{source.stem}")
        for font, cid_font, descriptor in entries:
            descriptor[NameObject("/FontFile2")] = reference
            descriptor[NameObject("/FontName")] = base
            cid_font[NameObject("/BaseFont")] = base
            font[NameObject("/BaseFont")] = base
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    programs = set()
    for page in writer.pages:
        for font in ((page.get("/Resources") or {}).get("/Font") or {}).values():
            for descendant in font.get_object().get("/DescendantFonts") or []:
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                if (stream_ref := descriptor.raw_get("/FontFile2")) is not None:
                    programs.add(stream_ref.idnum)
    return len(programs)

"""Compile a docxtpl (Jinja-in-Word) template once, render many documents from it.

docxtpl's own `render()` re-reads the package, re-patches and re-compiles the XML for every document.
Here a template is read once: the Jinja parts (body, headers, footers, notes) are patched by docxtpl's
own `patch_xml` and compiled once in a sandboxed, autoescaping environment; every other part of the
package is compressed once and its bytes are reused as they are. Rendering a document is then: run the
compiled templates, deflate the few XML parts that changed, and lay out the zip.

Every value is inserted as literal text (`sandbox`): the environment escapes it for XML, turns line
breaks and tabs into Word's own breaks, and drops characters XML cannot hold. Output documents carry
no metadata from the template (author, comments, revision); they carry custom document properties
given per document.
"""

from __future__ import annotations

import functools
import hashlib
import re
import struct
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from xml.sax.saxutils import escape as xml_escape

import jinja2
import jinja2.runtime
import jinja2.sandbox
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment
from zlib_ng import zlib_ng

from pipeline.errors import TemplateError
from pipeline.render import bookmarks, pruning
from pipeline.render.sandbox import ILLEGAL_XML, make_environment

JINJA_PARTS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
# Comments and metadata of the template; Word 2010's stylesWithEffects.xml, which is only a copy of
# styles.xml for older Word and, when stale (python-docx's default template brings one), makes Word
# offer to repair the document; webSettings.xml (settings for "save as web page") and python-docx's
# empty bibliography (customXml/), which serve nothing.
DROPPED_PARTS = re.compile(
    r"^(word/(comments\w*|people|stylesWithEffects|webSettings)\.xml|docProps/(core|app|custom)\.xml"
    r"|docProps/thumbnail\.\w+|customXml/.*)$"
)
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CORE_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
APP_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
THUMB_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"
COMMENT_TYPES = ("comments", "commentsExtended", "commentsIds", "commentsExtensible", "people")
DROPPED_RELS = (*COMMENT_TYPES, "stylesWithEffects", "webSettings", "customXml")  # the end of their Type
# Each document's own parts are deflated by zlib-ng: the same deflate as zlib's, at level 5 as small as
# zlib's level 6 and three times as fast (0.11 ms against 0.35 ms for a meeting-notes form's text; a
# fifth of making a form was zlib's). The parts every document shares are packed once, by zlib at 9.
DEFLATE_LEVEL = 5
# A small part of the package (the properties) costs most of its deflating in setting the deflater up,
# and level 1 sets it up in half the time (5 µs against 10 µs for 1 KB, 20 bytes more): two such parts
# in each of 60,000 documents at 10,000 employees (issue 16). A rendered part, a header with a name in it
# among them, stays at DEFLATE_LEVEL: 444 bytes against 556 at level 1, for 6 µs.
SMALL_PART, SMALL_PART_LEVEL = 4096, 1
# A template's text between its fields, when at least SHARED_TEXT long, is deflated once, when the
# template is loaded, but for its first SHARED_HEAD characters, and each document's deflated part is laid
# out around it (`_Shared`): three quarters of a meeting-notes form's text is one such stretch of 37 KB.
# The forms take a tenth less CPU to make (render and pack). The head, deflated with each document, lets
# the stretch refer to what comes before it: without it a form was 0.5 KB larger; with it a form is
# 0.1 KB smaller than before (the rest is deflated at level 9).
SHARED_TEXT, SHARED_HEAD = 4096, 2048


# -- the zip writer ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Member:
    """One part of the package, already compressed."""

    name: bytes
    crc: int
    size: int
    data: bytes  # deflated (raw) bytes
    method: int = zipfile.ZIP_DEFLATED


def _pack(name: str, raw: bytes, level: int | None = None, deflate: ModuleType = zlib_ng) -> _Member:
    """A part deflated (`level`: by default, DEFLATE_LEVEL, and SMALL_PART_LEVEL for a small part)."""
    if level is None:
        level = SMALL_PART_LEVEL if len(raw) < SMALL_PART else DEFLATE_LEVEL
    compressor = deflate.compressobj(level, deflate.DEFLATED, -15)
    data = compressor.compress(raw) + compressor.flush()
    return _Member(name.encode("utf-8"), zlib.crc32(raw), len(raw), data)


_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01: fixed, so equal inputs give equal bytes


def _zip(members: list[_Member]) -> bytes:
    """Lay out a zip archive from compressed members (no zip64: documents are small)."""
    out = bytearray()
    central = bytearray()
    for member in members:
        flags = 0 if member.name.isascii() else 0x800
        offset = len(out)
        out += struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            20,
            flags,
            member.method,
            0,
            _DOS_DATE,
            member.crc,
            len(member.data),
            member.size,
            len(member.name),
            0,
        )
        out += member.name
        out += member.data
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            flags,
            member.method,
            0,
            _DOS_DATE,
            member.crc,
            len(member.data),
            member.size,
            len(member.name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += member.name
    start = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), start, 0)
    return bytes(out)


# -- the template --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Shared:
    """A long stretch of a template's text (a constant its compiled code yields as it is), recognised by
    identity. Its first SHARED_HEAD characters (`head`) are deflated with each document, so that they
    may refer to what came before them; the rest was deflated once (`data`), with the head as its
    dictionary, and ended by a full flush: byte-aligned, and referring to nothing before the head, so
    that a raw deflate stream may give the head, stop at a full flush of its own, and go on with it."""

    text: str
    head: str
    data: bytes
    crc: int  # of the rest
    size: int

    @classmethod
    def of(cls, text: str) -> _Shared:
        head, rest = text[:SHARED_HEAD], text[SHARED_HEAD:].encode("utf-8")
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15, zdict=head.encode("utf-8"))
        data = compressor.compress(rest) + compressor.flush(zlib.Z_FULL_FLUSH)
        return cls(text, head, data, zlib.crc32(rest), len(rest))


def _shared_texts(template: jinja2.Template) -> dict[int, _Shared]:
    """The long texts a compiled template yields as they are (the constants of its code), by id."""
    found: dict[int, _Shared] = {}
    codes = [template.root_render_func.__code__, *(block.__code__ for block in template.blocks.values())]
    while codes:
        code = codes.pop()
        for constant in code.co_consts:
            if isinstance(constant, str) and len(constant) >= SHARED_TEXT:
                found[id(constant)] = _Shared.of(constant)
            elif isinstance(constant, type(code)):
                codes.append(constant)
    return found


def _pack_rendered(
    name: str, template: jinja2.Template, shared: dict[int, _Shared], context: dict
) -> _Member:
    """A Jinja part rendered and deflated as one stream in which the rest of each long text of the
    template (after its head) is its `_Shared` bytes: what comes between, heads included, is deflated
    per document, up to a full flush before each such rest (so that nothing after it refers to what
    the shared bytes stand for). The same text, and the same checksum, as deflating
    `template.render(context)` whole."""
    compressor = zlib_ng.compressobj(DEFLATE_LEVEL, zlib_ng.DEFLATED, -15)
    out: list[bytes] = []
    between: list[str] = []
    crc = size = 0
    try:
        for chunk in template.root_render_func(template.new_context(context)):
            known = shared.get(id(chunk))
            if known is None or known.text is not chunk:
                between.append(chunk)
                continue
            between.append(known.head)
            raw = "".join(between).encode("utf-8")
            between.clear()
            out.append(compressor.compress(raw))
            out.append(compressor.flush(zlib_ng.Z_FULL_FLUSH))
            crc, size = zlib.crc32(raw, crc), size + len(raw)
            out.append(known.data)
            crc, size = zlib_ng.crc32_combine(crc, known.crc, known.size), size + known.size
    except Exception:
        template.environment.handle_exception()  # raises, as `render` does: the template's own error
    raw = "".join(between).encode("utf-8")
    out.append(compressor.compress(raw))
    out.append(compressor.flush())
    return _Member(name.encode("utf-8"), zlib.crc32(raw, crc), size + len(raw), b"".join(out))


@dataclass(frozen=True)
class _JinjaPart:
    """A part rendered for each document, how its bookmarks get their IDs, and its long texts deflated
    once (none when the whole part is renumbered after rendering)."""

    template: jinja2.Template
    bookmarks: bookmarks.Plan
    shared: dict[int, _Shared] = field(default_factory=dict)


@dataclass
class CompiledTemplate:
    """A .docx template read and compiled once; `render` makes one document from a context."""

    path: Path
    kind: str
    digest: str  # sha256 of the template file: part of every document's input hash
    parts: list[tuple[str, _Member | _JinjaPart]] = field(default_factory=list)
    title: str = ""

    @classmethod
    def load(cls, path: Path, kind: str, environment: SandboxedEnvironment | None = None) -> CompiledTemplate:
        """Read and compile a template; TemplateError names the file and the problem."""
        environment = environment or make_environment()
        try:
            raw = path.read_bytes()
            archive = zipfile.ZipFile(path)
            names = archive.namelist()
            contents = {name: archive.read(name) for name in names}
        except (OSError, zipfile.BadZipFile, KeyError) as exc:
            raise TemplateError(f"{path}: cannot be read as a Word document ({exc}).") from exc
        template = cls(path=path, kind=kind, digest=hashlib.sha256(raw).hexdigest())
        patcher = DocxTemplate.__new__(DocxTemplate)  # patch_xml uses no state of the instance
        pruning.prune_package(contents)
        for name in names:
            if name.endswith("/") or DROPPED_PARTS.match(name):
                continue
            data = contents[name]
            if name == "[Content_Types].xml":
                data = _content_types(data)
            elif name == "_rels/.rels":
                data = _package_rels(data)
            elif name == "word/_rels/document.xml.rels":
                data = _drop_rels(data)
            elif name == "word/settings.xml":
                data = pruning.strip_revision_ids(data.decode("utf-8")).encode("utf-8")
            if JINJA_PARTS.match(name):
                text = pruning.strip_revision_ids(_strip_comments(data.decode("utf-8")))
                patched = patcher.patch_xml(text)
                if "{{" in patched or "{%" in patched or "{#" in patched:
                    source = re.sub(r"<w:p([ >])", r"\n<w:p\1", patched).replace(
                        "<w:t>", '<w:t xml:space="preserve">'
                    )
                    numbering = bookmarks.plan(source)
                    try:
                        compiled = environment.from_string(numbering.source)
                    except jinja2.TemplateSyntaxError as exc:
                        raise TemplateError(_syntax_message(path, name, source, exc)) from exc
                    compiled.name = name
                    shared = _shared_texts(compiled) if numbering.how != bookmarks.WHOLE else {}
                    template.parts.append((name, _JinjaPart(compiled, numbering, shared)))
                    continue
                data = text.encode("utf-8")
            template.parts.append((name, _pack(name, data, 9, zlib)))  # packed once: the smallest is worth it
        return template

    def render(self, context: Mapping[str, object], properties: Mapping[str, str], title: str = "") -> bytes:
        """One document: the template rendered with `context`, carrying `properties` as custom properties."""
        members: list[_Member] = []
        for name, part in self.parts:
            if isinstance(part, _Member):
                members.append(part)
                continue
            numbering = part.bookmarks
            if numbering.how == bookmarks.CALLS:  # the repeated bookmarks are numbered as they are rendered
                context = {**context, **bookmarks.Numbering(numbering.first_free).names()}
            try:
                members.append(self._render_part(name, part, context))
            except jinja2.UndefinedError as exc:
                raise TemplateError(
                    f"{self.path}: {exc.message}; the template uses a variable this document does not get "
                    "(see docs/templates.md, or run `appraisal templates check`)."
                ) from exc
            except jinja2.TemplateError as exc:
                raise TemplateError(f"{self.path}: {exc}") from exc
            except Exception as exc:  # the template's own expression failed, e.g. text + number
                raise TemplateError(f"{self.path}: {type(exc).__name__} in {name}: {exc}") from exc
        members.append(_pack("docProps/core.xml", _core_xml(title)))
        members.append(_app_member())
        members.append(_pack("docProps/custom.xml", custom_properties_xml(properties)))
        return _zip(members)

    @staticmethod
    def _render_part(name: str, part: _JinjaPart, context: Mapping[str, object]) -> _Member:
        if part.shared:
            return _pack_rendered(name, part.template, part.shared, dict(context))
        xml = part.template.render(context)
        if part.bookmarks.how == bookmarks.WHOLE:
            xml = bookmarks.renumber(xml)
        return _pack(name, xml.encode("utf-8"), DEFLATE_LEVEL)


def _syntax_message(path: Path, part: str, source: str, exc: jinja2.TemplateSyntaxError) -> str:
    lines = source.splitlines()
    near = ""
    if exc.lineno and 0 < exc.lineno <= len(lines):
        near = re.sub(r"<[^>]+>", "", lines[exc.lineno - 1]).strip()
    where = f' near "{near[:80]}"' if near else ""
    return f"{path}: Jinja syntax error in {part} (line {exc.lineno}){where}: {exc.message}"


def _strip_comments(xml: str) -> str:
    """Remove Word comment anchors; the comments themselves are dropped with their part."""
    if "comment" not in xml:
        return xml
    xml = re.sub(r"<w:commentRange(?:Start|End)\b[^>]*/>", "", xml)
    xml = re.sub(
        r"<w:r\b[^>]*>(?:(?!</w:r>).)*?<w:commentReference\b[^>]*/>(?:(?!</w:r>).)*?</w:r>",
        "",
        xml,
        flags=re.S,
    )
    return re.sub(r"<w:commentReference\b[^>]*/>", "", xml)


def _content_types(data: bytes) -> bytes:
    text = data.decode("utf-8")
    text = re.sub(
        r'<Override[^>]*PartName="/(?:word/(?:comments\w*|people|stylesWithEffects|webSettings)\.xml'
        r'|docProps/(?:custom|thumbnail)[^"]*|customXml/[^"]*)"[^>]*/>',
        "",
        text,
    )
    custom = (
        '<Override PartName="/docProps/custom.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>'
    )
    for part, kind in (
        ("core", "application/vnd.openxmlformats-package.core-properties+xml"),
        ("app", "application/vnd.openxmlformats-officedocument.extended-properties+xml"),
    ):
        if f'PartName="/docProps/{part}.xml"' not in text:
            custom += f'<Override PartName="/docProps/{part}.xml" ContentType="{kind}"/>'
    return text.replace("</Types>", custom + "</Types>").encode("utf-8")


def _package_rels(data: bytes) -> bytes:
    text = data.decode("utf-8")
    for rel in (CUSTOM_REL, CORE_REL, APP_REL, THUMB_REL):
        text = re.sub(rf'<Relationship[^>]*Type="{re.escape(rel)}"[^>]*/>', "", text)
    added = (
        f'<Relationship Id="rIdAppraisalCore" Type="{CORE_REL}" Target="docProps/core.xml"/>'
        f'<Relationship Id="rIdAppraisalApp" Type="{APP_REL}" Target="docProps/app.xml"/>'
        f'<Relationship Id="rIdAppraisalCustom" Type="{CUSTOM_REL}" Target="docProps/custom.xml"/>'
    )
    return text.replace("</Relationships>", added + "</Relationships>").encode("utf-8")


def _drop_rels(data: bytes) -> bytes:
    """The document's relationships without those to the dropped parts (found by their Type)."""
    text = data.decode("utf-8")
    for kind in DROPPED_RELS:
        text = re.sub(rf'<Relationship[^>]*Type="[^"]*/{kind}"[^>]*/>', "", text)
    return text.encode("utf-8")


APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>appraisal</Application></Properties>"
)


def _core_xml(title: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{xml_escape(ILLEGAL_XML.sub('', title))}</dc:title>"
        "</cp:coreProperties>"
    ).encode()


def custom_properties_xml(properties: Mapping[str, str]) -> bytes:
    """docProps/custom.xml holding each property as a text (lpwstr) value."""
    items = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" name="{xml_escape(name)}">'
        f"<vt:lpwstr>{xml_escape(ILLEGAL_XML.sub('', str(value)))}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(properties.items(), start=2)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"{items}</Properties>"
    ).encode()


@functools.cache
def _app_member() -> _Member:
    """`docProps/app.xml`, the same in every document: packed once."""
    return _pack("docProps/app.xml", APP_XML, DEFLATE_LEVEL)

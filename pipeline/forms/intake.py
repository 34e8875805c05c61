"""Opening Word files that came back from people: never trust them.

Before anything is parsed: a size limit, then the zip's member count, total uncompressed size and
compression ratio, member names (no absolute paths or `..`), no macros; XML with a DTD or entities is
refused, and the parser resolves no entities and fetches nothing. Old `.doc` files and encrypted
`.docx` (both OLE containers) are told apart. Each refusal is a `Refused` with a message for people.
"""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from pipeline.store.ole import is_encrypted_ooxml, is_ole

MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_MEMBERS = 2000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200  # per member; deflated XML is rarely above 20
# A part that is parsed (the document body, its numbering, the properties) may unpack to this much: a
# form's body is well under 1 MB even with pages of text. Counted as it is unpacked, never taken from
# the zip's headers, and read a chunk at a time, so that a part that lies about its size is stopped
# at the limit and a zip bomb never fills the memory.
MAX_PART_BYTES = 16 * 1024 * 1024
CHUNK = 1 << 20
MAX_PROPERTIES = 200  # custom document properties: a form carries seven
MACRO_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"
SKIPPED_NAMES = (".DS_Store", "Thumbs.db", "desktop.ini")
WORD_SUFFIXES = (".docx", ".docm", ".doc", ".dotx", ".dotm")  # what is looked at as a Word document
_SAVE_AS_DOCX = (
    "the tool cannot read it. If it is a filled-in form, open it in LibreOffice or Word, choose "
    "File > Save As, file type Word 2007-365 (.docx), and collect that file"
)
# What is sent instead of a filled-in form, and what to do: each is likely a form, so it is a warning
OTHER_DOCUMENTS = {
    ".odt": f"an OpenDocument text (.odt), LibreOffice's own format; {_SAVE_AS_DOCX}",
    ".fodt": f"an OpenDocument text (.fodt); {_SAVE_AS_DOCX}",
    ".rtf": f"a Rich Text file (.rtf); {_SAVE_AS_DOCX}",
    ".pages": "a Pages document, which the tool cannot read: in Pages, choose File > Export To > Word",
    ".pdf": "a PDF, from which no answers can be read: ask for the form as the Word file (.docx) it was sent as",
    ".zip": "a zip archive, which is not opened: unpack it into the folder and collect again",
    ".msg": "an e-mail saved from Outlook (.msg), whose attachments are not opened: save the attached form "
    "(.docx) into the folder and collect again",
    ".eml": "an e-mail saved as a file (.eml), whose attachments are not opened: save the attached form "
    "(.docx) into the folder and collect again",
    ".wbk": "a backup copy Word keeps of a document (.wbk), not the form: collect the form itself (.docx)",
}
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"


class Refused(Exception):
    """A returned file that is not read; the message says why, for the person who sent it, and `code`
    names the reason (`model.PROBLEM_CODES`)."""

    def __init__(self, message: str, code: str = "file-damaged"):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class WordFile:
    """A returned .docx that passed the checks: its parts that the reader needs, and its properties."""

    path: Path
    document_xml: bytes
    properties: dict[str, str]
    raw: bytes
    numbering_xml: bytes = b""  # how lists are numbered, so a pasted list reads with its markers


# Word's and Excel's File > Save As > "Strict Open XML Document/Spreadsheet" is a .docx or .xlsx in the
# other namespaces of ISO/IEC 29500 (Strict); the parts that are read are put into the usual ones
# (Transitional), which the reader knows, and their mark of Strict is taken off.
_STRICT = tuple(
    (f"http://purl.oclc.org/ooxml/{strict}".encode(), f"http://schemas.openxmlformats.org/{usual}".encode())
    for strict, usual in (
        ("wordprocessingml/main", "wordprocessingml/2006/main"),
        ("spreadsheetml/main", "spreadsheetml/2006/main"),
        ("officeDocument/relationships", "officeDocument/2006/relationships"),
        ("officeDocument/customProperties", "officeDocument/2006/custom-properties"),
        ("officeDocument/docPropsVTypes", "officeDocument/2006/docPropsVTypes"),
        ("officeDocument/extendedProperties", "officeDocument/2006/extended-properties"),
        ("officeDocument/math", "officeDocument/2006/math"),
        ("drawingml/main", "drawingml/2006/main"),
        ("drawingml/wordprocessingDrawing", "drawingml/2006/wordprocessingDrawing"),
    )
)


def transitional(xml: bytes) -> bytes:
    """A part saved as Strict Open XML in the usual namespaces (any other part as it is)."""
    if b"http://purl.oclc.org/ooxml/" not in xml:
        return xml
    for strict, usual in _STRICT:
        xml = xml.replace(strict, usual)
    return _CONFORMANCE.sub(b"", xml, count=1)


_CONFORMANCE = re.compile(rb'\s(?:w:)?conformance="strict"')


def safe_parser() -> etree.XMLParser:
    """The parser for XML from returned files: no entities resolved, no DTD loaded, nothing fetched."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def is_system_file(path: Path) -> bool:
    """Word's lock file, or a file the operating system leaves in folders: nothing anyone sent."""
    return path.name.startswith(("~$", "._")) or path.name in SKIPPED_NAMES


def returned_files(folder: Path, output: Path) -> list[Path]:
    """Every entry of a collect folder that is looked at, sorted: its files, in any sub-folder, and
    what is not a file but has a file's place (a link, a pipe, a folder named like a Word file), so
    that each gets a line. Links are never followed, into folders or to files. Nothing inside
    `output` is looked at (the tool's own blank forms, when the folder holds the output folder or a
    link to it): each folder's real place is found once, and the output folder is not walked at all."""
    found = []
    leave_out = Path(os.path.realpath(output))
    for top, folders, names in os.walk(folder, followlinks=False):
        if Path(os.path.realpath(top)).is_relative_to(leave_out):
            folders.clear()  # a link is where it is: one in a folder outside the output is looked at
            continue
        base = Path(top)
        found += [base / n for n in folders if _looked_at(base / n, leave_out)]
        found += [base / n for n in names]
    return sorted(found)


def _looked_at(folder: Path, leave_out: Path) -> bool:
    """Whether a sub-folder gets a line of its own: a link (never followed) that is not a way into the
    output folder, or a folder named like a Word document."""
    if folder.is_symlink():
        return not Path(os.path.realpath(folder)).is_relative_to(leave_out)
    return folder.name.lower().endswith(WORD_SUFFIXES)


def skip_reason(path: Path) -> str | None:
    """Why a file in the collect folder is not even looked at, or None when it should be."""
    try:
        mode = path.lstat().st_mode
    except OSError as exc:
        return f"cannot be looked at ({exc.strerror})"
    if stat.S_ISLNK(mode):
        return "a link, not a file: copy the document itself into the folder"
    if stat.S_ISDIR(mode):
        return "a folder named like a Word document"
    if not stat.S_ISREG(mode):
        return "not a file (a pipe or a device)"
    name = path.name
    if name.startswith("~$"):
        return "Word's lock file (the document is open somewhere)"
    if name in SKIPPED_NAMES or name.startswith("._"):
        return "a system file"
    suffix = path.suffix.lower()
    if suffix in WORD_SUFFIXES:
        return None
    return OTHER_DOCUMENTS.get(suffix) or f"not a Word document ({suffix or 'no extension'})"


def parse_xml(data: bytes, part: str) -> etree._Element:
    """Parse one XML part; refuse DTDs and entity declarations outright."""
    head = data[:4096]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in data:
        raise Refused(
            f"its {part} declares a DTD or entities, which Word never writes; not read for safety",
            "file-unsafe-xml",
        )
    try:
        return etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise Refused(f"its {part} is damaged ({exc.msg})", "file-damaged") from None


def open_word_file(path: Path) -> WordFile:
    """Check and open a returned Word file, or raise Refused saying what is wrong with it."""
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise Refused(f"cannot be read ({exc.strerror})", "file-unreadable") from None
    if size == 0:
        raise Refused("the file is empty", "file-empty")
    if size > MAX_FILE_BYTES:
        raise Refused(
            f"the file is {size // (1024 * 1024)} MB; a filled form is far smaller (limit "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB)",
            "file-too-large",
        )
    raw = path.read_bytes()
    if is_ole(raw):
        if is_encrypted_ooxml(raw):
            raise Refused(
                "the document is password-protected; open it in Word, remove the password "
                "(File > Info > Protect Document) and send it again",
                "file-encrypted",
            )
        raise Refused(
            "this is an old Word 97-2003 (.doc) file; open it in Word and save it as .docx", "file-old-word"
        )
    if not raw.startswith(b"PK"):
        raise Refused("not a Word document (it is not a .docx file inside)", "not-a-word-file")
    if suffix in (".docm", ".dotm"):
        raise Refused(
            "a macro-enabled document (.docm); save it as a plain .docx and send it again", "file-with-macros"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise Refused(
            "the document is damaged or incomplete (perhaps cut off while copying); save it "
            "again in Word and send it again",
            "file-damaged",
        ) from None
    _check_members(members)
    names = {m.filename for m in members}
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise Refused("not a Word document (no document body inside)", "not-a-word-file")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise Refused(
            "the document contains macros; save it as a plain .docx and send it again", "file-with-macros"
        )
    try:
        content_types = read_part(archive, "[Content_Types].xml")
        if MACRO_TYPE.encode() in content_types:
            raise Refused(
                "a macro-enabled document (.docm); save it as a plain .docx and send it again",
                "file-with-macros",
            )
        document_xml = read_part(archive, "word/document.xml")
        custom = read_part(archive, "docProps/custom.xml") if "docProps/custom.xml" in names else b""
        numbering = read_part(archive, "word/numbering.xml") if "word/numbering.xml" in names else b""
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error, NotImplementedError):
        raise Refused(
            "the document is damaged or incomplete; save it again in Word and send it again",
            "file-damaged",
        ) from None
    parse_xml(content_types, "content types")
    if b"<!DOCTYPE" in document_xml[:4096] or b"<!ENTITY" in document_xml:
        raise Refused(
            "its document body declares a DTD or entities, which Word never writes; not read for safety",
            "file-unsafe-xml",
        )
    if b"<!DOCTYPE" in numbering[:4096] or b"<!ENTITY" in numbering:
        numbering = b""  # never parsed with a DTD; lists then read with bullets
    document_xml, custom, numbering = (
        transitional(document_xml),
        transitional(custom),
        transitional(numbering),
    )
    return WordFile(path, document_xml, read_custom_properties(custom), raw, numbering)


def read_part(archive: zipfile.ZipFile, name: str, limit: int = MAX_PART_BYTES) -> bytes:
    """A part of the zip, unpacked a chunk at a time and refused past `limit` bytes (whatever its
    headers say it holds)."""
    chunks, size = [], 0
    with archive.open(name) as part:
        while chunk := part.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise Refused(
                    f"its part {name} unpacks to more than {limit // (1024 * 1024)} MB; a form is far smaller",
                    "file-too-large",
                )
            chunks.append(chunk)
    return b"".join(chunks)


def _check_members(members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_MEMBERS:
        raise Refused(
            f"the document holds {len(members)} parts; a form has a few dozen (limit {MAX_MEMBERS})",
            "file-too-large",
        )
    total = 0
    for member in members:
        name = member.filename
        if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in re.split(r"[/\\]", name):
            raise Refused(f"the document holds a part with an unsafe name ({name!r})", "file-unsafe-name")
        total += member.file_size
        if (
            member.compress_size
            and member.file_size / member.compress_size > MAX_RATIO
            and member.file_size > 1 << 20
        ):
            raise Refused(
                f"the part {name} expands {member.file_size // member.compress_size}× when "
                "unpacked (a zip bomb?)",
                "file-too-large",
            )
    if total > MAX_UNCOMPRESSED:
        raise Refused(
            f"the document unpacks to {total // (1024 * 1024)} MB; a form is far smaller", "file-too-large"
        )


def read_custom_properties(data: bytes) -> dict[str, str]:
    """docProps/custom.xml as name -> text value (empty when there is none)."""
    if not data:
        return {}
    root = parse_xml(data, "document properties")
    found = root.findall(f"{{{CUSTOM_NS}}}property")
    if len(found) > MAX_PROPERTIES:
        raise Refused(
            f"the document carries {len(found)} custom properties; a form has a few (limit {MAX_PROPERTIES})",
            "file-too-large",
        )
    properties = {}
    for prop in found:
        name = prop.get("name", "")
        value = "".join(child.text or "" for child in prop)
        properties[name] = value
    return properties

"""An Office Open XML package (a workbook's zip) edited part by part: each part read when it is
needed, and only the changed and new parts written anew (the validation report, `annotate.py`)."""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

from lxml import etree

from pipeline.forms.intake import safe_parser, transitional

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_MAIN = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml."
# A worksheet's elements in the order the schema wants them (CT_Worksheet).
SHEET_ORDER = [
    "sheetPr",
    "dimension",
    "sheetViews",
    "sheetFormatPr",
    "cols",
    "sheetData",
    "sheetCalcPr",
    "sheetProtection",
    "protectedRanges",
    "scenarios",
    "autoFilter",
    "sortState",
    "dataConsolidate",
    "customSheetViews",
    "mergeCells",
    "phoneticPr",
    "conditionalFormatting",
    "dataValidations",
    "hyperlinks",
    "printOptions",
    "pageMargins",
    "pageSetup",
    "headerFooter",
    "rowBreaks",
    "colBreaks",
    "customProperties",
    "cellWatches",
    "ignoredErrors",
    "smartTags",
    "drawing",
    "legacyDrawing",
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
]
WORKBOOK_ORDER = [
    "fileVersion",
    "fileSharing",
    "workbookPr",
    "workbookProtection",
    "bookViews",
    "sheets",
    "functionGroups",
    "externalReferences",
    "definedNames",
    "calcPr",
    "oleSize",
    "customWorkbookViews",
    "pivotCaches",
    "smartTagPr",
    "smartTagTypes",
    "webPublishing",
    "fileRecoveryPr",
    "webPublishObjects",
    "extLst",
]
_ENCODING = re.compile(rb'^\s*<\?xml[^>]*encoding="([^"]+)"')


class Unhandled(Exception):
    """A package the part-by-part way does not handle (its caller falls back to openpyxl)."""


def parse(data: bytes, name: str) -> etree._Element:
    """A part's XML, safely; Unhandled for an encoding other than UTF-8 (a part is spliced as bytes)."""
    encoding = _ENCODING.match(data[:200])
    if encoding and encoding.group(1).lower() not in (b"utf-8", b"utf8"):
        raise Unhandled(f"{name} is in {encoding.group(1).decode('ascii', 'replace')}")
    return etree.fromstring(data, safe_parser())  # a workbook someone sent us: nothing resolved


def q(tag: str, namespace: str = MAIN) -> str:
    """A namespaced tag for lxml."""
    return f"{{{namespace}}}{tag}"


class Package:
    """The parts of a zip package: read on demand, the changed and new ones kept to be written."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.names = [info.filename for info in archive.infolist()]
        self.changed: dict[str, bytes] = {}
        # saved by Excel as "Strict Open XML Spreadsheet": every part is read (and so copied) as usual
        self.strict = (
            "xl/workbook.xml" in self.names and STRICT_MAIN in archive.read("xl/workbook.xml")[:2000]
        )

    def read(self, name: str) -> bytes:
        if name in self.changed:
            return self.changed[name]
        data = self.archive.read(name)
        return transitional(data) if self.strict and name.endswith((".xml", ".rels")) else data

    def xml(self, name: str) -> etree._Element:
        return parse(self.read(name), name)

    def has(self, name: str) -> bool:
        return name in self.changed or name in self.names

    def put(self, name: str, data: bytes | etree._Element) -> None:
        if not isinstance(data, bytes):
            data = etree.tostring(data, xml_declaration=True, encoding="UTF-8", standalone=True)
        self.changed[name] = data

    def free(self, pattern: str) -> str:
        """The first name `pattern.format(n)` not yet in the package, n from 1."""
        n = 1
        while self.has(pattern.format(n)):
            n += 1
        return pattern.format(n)

    def save(self, path: Path) -> None:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
            for name in self.names + [n for n in self.changed if n not in self.names]:
                data = self.read(name)
                # the large sheets quickly: a tenth of the time, a fifth bigger
                out.writestr(name, data, compresslevel=1 if len(data) > 1 << 20 else 6)


def resolve(source_part: str, target: str) -> str:
    """The part a relationship of `source_part` points to."""
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def rels_name(part: str) -> str:
    """Where a part's relationships are: `xl/_rels/workbook.xml.rels`."""
    folder, name = posixpath.split(part)
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


class Relationships:
    """One part's relationships, read (or begun) and added to."""

    def __init__(self, package: Package, part: str):
        self.package, self.name, self.part = package, rels_name(part), part
        if package.has(self.name):
            self.root = package.xml(self.name)
        else:
            self.root = etree.Element(q("Relationships", PACKAGE_REL), nsmap={None: PACKAGE_REL})

    def targets(self) -> dict[str, tuple[str, str]]:
        """Id: (type, part), for the relationships inside the package."""
        return {
            rel.get("Id"): (rel.get("Type", ""), resolve(self.part, rel.get("Target", "")))
            for rel in self.root
            if rel.get("TargetMode") != "External"
        }

    def add(self, kind: str, part: str) -> str:
        ids = {rel.get("Id") for rel in self.root}
        n = len(ids) + 1
        while f"rId{n}" in ids:
            n += 1
        etree.SubElement(
            self.root, q("Relationship", PACKAGE_REL), Id=f"rId{n}", Type=f"{REL}/{kind}", Target=f"/{part}"
        )
        self.package.put(self.name, self.root)
        return f"rId{n}"


def place(parent: etree._Element, element: etree._Element, order: list[str]) -> None:
    """Put `element` into `parent` where the schema's `order` wants it, instead of any of its tag."""
    local = etree.QName(element).localname
    for old in parent.findall(element.tag):
        parent.remove(old)
    rank = order.index(local)
    position = 0
    for index, child in enumerate(parent):
        name = etree.QName(child).localname if isinstance(child.tag, str) else ""
        if name in order and order.index(name) <= rank:
            position = index + 1
    parent.insert(position, element)

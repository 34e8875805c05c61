"""The validation report written into a copy of the workbook's own package, part by part (issue 16).

Loading a workbook of 10,000 employees into openpyxl and saving it again took about 10 s and 150 MB
(at 100,000, minutes and 1.5 GB), and openpyxl drops what it does not know, such as pictures and
charts. Yet the report changes little: the problem cells' look and comments, each sheet's page set-up,
and a new Issues sheet first. So every part is copied as it is except those, and a sheet with no
problem cell is edited around its rows without its rows ever being parsed.

A package this does not handle raises `Unhandled`, and report.py writes the same report through
openpyxl instead: a sheet with problems that already has comments, rows or cells without their
reference, no styles part, strict OOXML, an encoding other than UTF-8.
"""

from __future__ import annotations

import functools
import re
import zipfile
from bisect import bisect_left, insort
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from lxml import etree
from openpyxl.utils import column_index_from_string
from openpyxl.xml.functions import tostring

from pipeline import xlsx
from pipeline.round.package import (
    CONTENT,
    MAIN,
    REL,
    SHEET_ORDER,
    TYPES,
    WORKBOOK_ORDER,
    Package,
    Relationships,
    Unhandled,
    parse,
    place,
    q,
)
from pipeline.round.report_parts import (
    IssuesSheet,
    Styles,
    comments_xml,
    issues_sheet_xml,
    table_xml,
    vml_xml,
)

_CELL_REF = re.compile(r"^([A-Z]{1,3})([1-9][0-9]{0,6})$")
_DIMENSION_END = re.compile(r"([A-Z]{1,3})[0-9]*$")
_CELL_COLUMN = re.compile(rb'<(?:[\w.-]+:)?c r="([A-Z]{1,3})[0-9]')


@dataclass(frozen=True)
class Mark:
    """What a problem cell gets: the fill of its worst problem (ARGB) and a comment."""

    fill: str
    text: str


def write_annotated(
    source: Path,
    destination: Path,
    marks: dict[tuple[str, str], Mark],
    issues: IssuesSheet,
    heading: xlsx.Heading,
) -> None:
    """Write the annotated copy of `source` to `destination`, atomically: `marks` by (sheet, cell), the
    Issues sheet first, and every sheet printed with `heading`. Raises Unhandled."""
    from pipeline.store.files import atomic_write

    try:
        with zipfile.ZipFile(source) as archive:
            package = Package(archive)
            _annotate(package, marks, issues, header_footer_xml(heading))
            atomic_write(destination, package.save)
    except (zipfile.BadZipFile, etree.XMLSyntaxError, KeyError, ValueError, IndexError) as exc:
        raise Unhandled(f"{type(exc).__name__}: {exc}") from exc


def header_footer_xml(heading: xlsx.Heading) -> bytes:
    """The page header and footer `xlsx.set_up_printing` gives a sheet, as a `headerFooter` element."""
    sheet = openpyxl.Workbook().active
    xlsx.set_up_printing(sheet, None, heading)
    element = tostring(sheet.HeaderFooter.to_tree())
    return element.replace(b"<headerFooter", f'<headerFooter xmlns="{MAIN}"'.encode(), 1)


def _annotate(
    package: Package, marks: dict[tuple[str, str], Mark], issues: IssuesSheet, heading: bytes
) -> None:
    book = Book(package)
    styles = Styles(package, book.part_of("styles"))
    for name, part, _ in book.sheets:
        if part is None:
            continue  # a chart sheet: nothing to mark, nothing to print
        sheet = Sheet(package, part, book)
        here = {cell: mark for (where, cell), mark in marks.items() if where == name}
        if here:
            sheet.mark(here, styles)
        book.print_titles(name, sheet.set_up_printing(heading))
        sheet.save()
    names = {name for name, _, _ in book.sheets}
    issues.links = [link if link and link[0] in names else None for link in issues.links]
    issues.title = book.free_title(issues.title)
    issues.table_name = book.free_table_name(issues.table_name)
    part = package.free("xl/worksheets/sheet{}.xml")
    table = package.free("xl/tables/table{}.xml") if issues.rows else None
    table_rel = Relationships(package, part).add("table", table) if table else None
    package.put(part, issues_sheet_xml(issues, styles, table_rel))
    sheet = Sheet(package, part, book)
    columns = sheet.set_up_printing(heading)
    sheet.root.find(f"{q('sheetViews')}/{q('sheetView')}").set("tabSelected", "1")
    sheet.save()
    if table:
        package.put(table, table_xml(issues, book.next_table_id()))
        book.content_type(table, CONTENT + "table+xml")
    book.content_type(part, CONTENT + "worksheet+xml")
    book.add_first_sheet(issues.title, part, columns)
    styles.save()
    book.save()


class Book:
    """The workbook part: its sheets, defined names, relationships and the package's content types."""

    def __init__(self, package: Package):
        self.package = package
        root_rels = Relationships(package, "")
        office = [p for t, p in root_rels.targets().values() if t.endswith("/officeDocument")]
        if not office:
            raise Unhandled("no workbook part")
        self.part = office[0]
        self.root = package.xml(self.part)
        if self.root.tag != q("workbook"):
            raise Unhandled("not a transitional SpreadsheetML workbook")
        self.rels = Relationships(package, self.part)
        targets = self.rels.targets()
        self.sheets: list[tuple[str, str | None, etree._Element]] = []
        for element in self.root.iterfind(f"{q('sheets')}/{q('sheet')}"):
            kind, part = targets[element.get(q("id", REL))]
            self.sheets.append(
                (element.get("name", ""), part if kind.endswith("/worksheet") else None, element)
            )
        self.types = package.xml("[Content_Types].xml")
        self.titles: dict[str, str] = {}
        # each sheet's comment shapes take a block of 1,024 IDs that no other drawing uses
        blocks = [0]
        for name in package.names:
            if name.lower().endswith(".vml"):
                for listed in re.findall(rb'data="([0-9,]+)"', package.read(name)):
                    blocks += [int(n) for n in listed.split(b",") if n.isdigit()]
        self.shape_block = max(blocks) + 1

    def part_of(self, kind: str) -> str:
        parts = [p for t, p in self.rels.targets().values() if t.endswith(f"/{kind}")]
        if not parts:
            raise Unhandled(f"no {kind} part")
        return parts[0]

    def next_shape_block(self) -> int:
        block, self.shape_block = self.shape_block, self.shape_block + 1
        return block

    def free_title(self, title: str) -> str:
        names = {name for name, _, _ in self.sheets}
        while title in names:
            title += " (appraisal)"
        return title

    @functools.cached_property
    def tables(self) -> list[etree._Element]:
        """The package's table parts (their names and IDs are the workbook's to keep unique)."""
        return [self.package.xml(n) for n in self.package.names if re.match(r"xl/tables/[^/]+\.xml$", n)]

    def free_table_name(self, name: str) -> str:
        taken = {t.get("displayName", "").lower() for t in self.tables} | {
            d.get("name", "").lower() for d in self.root.iterfind(f"{q('definedNames')}/{q('definedName')}")
        }
        base, n = name, 1
        while name.lower() in taken:
            n += 1
            name = f"{base}{n}"
        return name

    def next_table_id(self) -> int:
        return 1 + max([int(t.get("id", "0")) for t in self.tables if t.get("id", "").isdigit()] or [0])

    def print_titles(self, sheet: str, columns: bool) -> None:
        quoted = "'" + sheet.replace("'", "''") + "'"
        self.titles[sheet] = f"{quoted}!$1:$1" + (f",{quoted}!$A:$A" if columns else "")

    def content_type(self, part: str, kind: str) -> None:
        etree.SubElement(self.types, q("Override", TYPES), PartName=f"/{part}", ContentType=kind)

    def default_type(self, extension: str, kind: str) -> None:
        if not any(
            d.get("Extension", "").lower() == extension for d in self.types.iterfind(q("Default", TYPES))
        ):
            self.types.insert(0, etree.Element(q("Default", TYPES), Extension=extension, ContentType=kind))

    def add_first_sheet(self, title: str, part: str, columns: bool) -> None:
        """The Issues sheet first and active; every sheet's print titles as set up."""
        sheets = self.root.find(q("sheets"))
        ids = [int(s.get("sheetId", "0")) for s in sheets if s.get("sheetId", "").isdigit()]
        rel = self.rels.add("worksheet", part)
        sheet = etree.Element(q("sheet"), nsmap={"r": REL})
        sheet.set("name", title)
        sheet.set("sheetId", str(max(ids or [0]) + 1))
        sheet.set(q("id", REL), rel)
        sheets.insert(0, sheet)
        self.print_titles(title, columns)
        names = self.root.find(q("definedNames"))
        if names is None:
            names = etree.Element(q("definedNames"))
            place(self.root, names, WORKBOOK_ORDER)
        positions = {name: index for index, (name, _, _) in enumerate([(title, part, sheet), *self.sheets])}
        for defined in list(names):
            local = defined.get("localSheetId")
            if local is not None and local.isdigit():
                if (
                    defined.get("name", "").lower() == "_xlnm.print_titles"
                    and self.sheet_name(int(local)) in self.titles
                ):
                    names.remove(defined)
                    continue
                defined.set("localSheetId", str(int(local) + 1))
        for name, reference in self.titles.items():
            defined = etree.SubElement(names, q("definedName"), name="_xlnm.Print_Titles")
            defined.set("localSheetId", str(positions[name]))
            defined.text = reference
        for view in self.root.iterfind(f"{q('bookViews')}/{q('workbookView')}"):
            view.set("activeTab", "0")
            view.set("firstSheet", "0")

    def sheet_name(self, position: int) -> str | None:
        return self.sheets[position][0] if position < len(self.sheets) else None

    def save(self) -> None:
        self.package.put(self.part, self.root)
        self.package.put("[Content_Types].xml", self.types)


_OPEN_ROWS = re.compile(rb"<((?:[\w.-]+:)?)sheetData\b[^>]*?(/?)>")
_HOLLOW = re.compile(rb"<(?:[\w.-]+:)?sheetData/>")


class Sheet:
    """One worksheet part. Its rows are parsed only to mark cells; otherwise the rest of the sheet is
    parsed around an empty `sheetData`, and the rows' bytes put back in place when it is saved."""

    def __init__(self, package: Package, part: str, book: Book):
        self.package, self.part, self.book = package, part, book
        self.data = package.read(part)
        opening = _OPEN_ROWS.search(self.data)
        if opening is None:
            raise Unhandled(f"{part} has no rows element")
        if opening.group(2):
            end = opening.end()
        else:
            closing = b"</" + opening.group(1) + b"sheetData>"
            end = self.data.rfind(closing)
            if end < opening.end():
                raise Unhandled(f"{part}: its rows element does not end")
            end += len(closing)
        self.rows: bytes | None = self.data[opening.start() : end]
        hollow = self.data[: opening.start()] + b"<" + opening.group(1) + b"sheetData/>" + self.data[end:]
        self.root = parse(hollow, part)

    def widths(self) -> list[float]:
        """The used columns' widths in characters, as `xlsx.column_widths` counts them."""
        dimension = self.root.find(q("dimension"))
        found = _DIMENSION_END.search(dimension.get("ref", "")) if dimension is not None else None
        if found:
            used = column_index_from_string(found.group(1))
        else:
            letters = set(_CELL_COLUMN.findall(self.data))  # no dimension: the cells' own columns
            used = max((column_index_from_string(c.decode()) for c in letters), default=0)
        cols = self.root.findall(f"{q('cols')}/{q('col')}")
        widths = [8.43] * max(used, len(cols))
        for col in cols:
            width = float(col.get("width") or 0)
            for index in range(int(col.get("min", "1")), min(int(col.get("max", "0")), len(widths)) + 1):
                widths[index - 1] = width or 8.43
        return widths

    def set_up_printing(self, heading: bytes) -> bool:
        """`xlsx.set_up_printing`'s page set-up; True when the first column repeats on each page."""
        orientation, fits = xlsx.page_layout(sum(self.widths()))
        properties = self.root.find(q("sheetPr"))
        if properties is None:
            properties = etree.Element(q("sheetPr"))
            place(self.root, properties, SHEET_ORDER)
        fit = properties.find(q("pageSetUpPr"))
        if fit is None:
            fit = etree.SubElement(properties, q("pageSetUpPr"))  # last of tabColor, outlinePr, pageSetUpPr
        fit.set("fitToPage", "1" if fits else "0")
        page = self.root.find(q("pageSetup"))
        if page is None:
            page = etree.Element(q("pageSetup"))
            place(self.root, page, SHEET_ORDER)
        for name, value in (
            ("orientation", orientation),
            ("paperSize", "9"),
            ("fitToWidth", "1" if fits else "0"),
        ):
            page.set(name, value)
        page.set("fitToHeight", "0")
        place(self.root, etree.fromstring(heading), SHEET_ORDER)
        for view in self.root.iterfind(f"{q('sheetViews')}/{q('sheetView')}"):
            view.attrib.pop("tabSelected", None)
        return not fits

    def mark(self, marks: dict[str, Mark], styles: Styles) -> None:
        """Fill and comment the problem cells (a cell hidden under a merged one is left alone)."""
        relationships = Relationships(self.package, self.part)
        if self.root.find(q("legacyDrawing")) is not None or any(
            kind.endswith(("/comments", "/vmlDrawing")) for kind, _ in relationships.targets().values()
        ):
            raise Unhandled(f"{self.part} has comments already")
        self.root = parse(self.data, self.part)  # the rows too, this time
        self.rows = None
        merged = [
            _bounds(m.get("ref", "")) for m in self.root.iterfind(f"{q('mergeCells')}/{q('mergeCell')}")
        ]
        table = Rows(self.root.find(q("sheetData")))
        shown: list[tuple[str, int, int, str]] = []
        for ref, mark in sorted(marks.items(), key=lambda item: _position(item[0])):
            found = _CELL_REF.match(ref)
            if found is None:
                continue
            column, row = column_index_from_string(found.group(1)), int(found.group(2))
            if any(
                c1 <= column <= c2 and r1 <= row <= r2 and (column, row) != (c1, r1)
                for c1, r1, c2, r2 in merged
            ):
                continue
            cell = table.cell(ref, column, row)
            cell.set("s", str(styles.marked(int(cell.get("s") or 0), mark.fill)))
            shown.append((ref, column, row, mark.text))
        if shown:
            self._comment(shown, relationships)

    def _comment(self, shown: list[tuple[str, int, int, str]], relationships: Relationships) -> None:
        comments = self.package.free("xl/comments/comment{}.xml")
        self.package.put(comments, comments_xml(shown))
        drawing = self.package.free("xl/drawings/commentsDrawing{}.vml")
        self.package.put(drawing, vml_xml(shown, self.book.next_shape_block()))
        relationships.add("comments", comments)
        legacy = etree.Element(q("legacyDrawing"), nsmap={"r": REL})
        legacy.set(q("id", REL), relationships.add("vmlDrawing", drawing))
        place(self.root, legacy, SHEET_ORDER)
        self.book.content_type(comments, CONTENT + "comments+xml")
        self.book.default_type("vml", "application/vnd.openxmlformats-officedocument.vmlDrawing")

    def save(self) -> None:
        out = etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", standalone=True)
        if self.rows is not None:
            hollow = _HOLLOW.search(out)
            assert hollow is not None  # put there by __init__
            out = out[: hollow.start()] + self.rows + out[hollow.end() :]
        self.package.put(self.part, out)


def _position(ref: str) -> tuple[int, int]:
    found = _CELL_REF.match(ref)
    return (int(found.group(2)), column_index_from_string(found.group(1))) if found else (0, 0)


def _bounds(ref: str) -> tuple[int, int, int, int]:
    first, _, last = ref.partition(":")
    (r1, c1), (r2, c2) = _position(first), _position(last or first)
    return c1, r1, c2, r2


class Rows:
    """A sheet's rows by number, to find or make a cell in its place."""

    def __init__(self, data: etree._Element):
        self.data = data
        self.rows: dict[int, etree._Element] = {}
        for row in data.iterfind(q("row")):
            number = row.get("r", "")
            if not number.isdigit():
                raise Unhandled("a row without its number")
            self.rows[int(number)] = row
        self.numbers = sorted(self.rows)

    def cell(self, ref: str, column: int, number: int) -> etree._Element:
        row = self.rows.get(number)
        if row is None:
            row = etree.Element(q("row"), r=str(number))
            later = bisect_left(self.numbers, number)
            if later < len(self.numbers):
                self.rows[self.numbers[later]].addprevious(row)
            else:
                self.data.append(row)
            self.rows[number] = row
            insort(self.numbers, number)
        for cell in row.iterfind(q("c")):
            found = _CELL_REF.match(cell.get("r", ""))
            if found is None:
                raise Unhandled("a cell without its reference")
            if found.group(0) == ref:
                return cell
            if column_index_from_string(found.group(1)) > column:
                new = etree.Element(q("c"), r=ref)
                cell.addprevious(new)
                row.attrib.pop("spans", None)  # a hint of the row's columns, now maybe wrong
                return new
        row.attrib.pop("spans", None)
        return etree.SubElement(row, q("c"), r=ref)

"""The parts the validation report adds to a copy of the workbook (`annotate.py`): its cell looks,
the problem cells' comments and their drawing, the Issues sheet and its table. Every text is made safe
for a cell and escaped: nothing from a workbook is ever written as markup or as a formula."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from lxml import etree
from openpyxl.utils import get_column_letter

from pipeline import xlsx
from pipeline.round.package import MAIN, REL, Package, Unhandled, q


@dataclass
class IssuesSheet:
    """The Issues sheet: its title (made unique here), headers with widths, and one row per problem
    with the cell its link goes to (None, or a sheet not in the workbook: no link) and its severity's fill."""

    title: str
    headers: list[str]
    widths: list[float]
    rows: list[list[str]] = field(default_factory=list)
    links: list[tuple[str, str] | None] = field(default_factory=list)  # (sheet, cell) to go to
    fills: list[str] = field(default_factory=list)
    link_column: int = 1  # 0-based
    severity_column: int = 4
    wrapped_column: int = 2
    table_name: str = "AppraisalIssues"


class Styles:
    """The workbook's styles part, with the looks the report adds appended (never changing one)."""

    def __init__(self, package: Package, part: str):
        self.package, self.part = package, part
        self.root = package.xml(part)
        self.lists = {name: self.root.find(q(name)) for name in ("fonts", "fills", "borders", "cellXfs")}
        if (
            any(found is None or len(found) == 0 for found in self.lists.values())
            or len(self.lists["fills"]) < 2
        ):
            raise Unhandled("a styles part without fonts, fills, borders or cell formats")
        self.made: dict[tuple[object, ...], int] = {}

    def _add(self, kind: str, key: tuple[object, ...], element: etree._Element) -> int:
        if key not in self.made:
            self.lists[kind].append(element)
            self.made[key] = len(self.lists[kind]) - 1
        return self.made[key]

    def fill(self, argb: str) -> int:
        fill = etree.Element(q("fill"))
        pattern = etree.SubElement(fill, q("patternFill"), patternType="solid")
        etree.SubElement(pattern, q("fgColor"), rgb=argb)
        etree.SubElement(pattern, q("bgColor"), indexed="64")
        return self._add("fills", ("fill", argb), fill)

    def font(self, bold: bool = False, link: bool = False) -> int:
        font = etree.Element(q("font"))
        if bold:
            etree.SubElement(font, q("b"))
        if link:
            etree.SubElement(font, q("u"))
        etree.SubElement(font, q("sz"), val="11")
        if link:
            etree.SubElement(font, q("color"), rgb=xlsx.LINK_FONT.color.rgb)
        etree.SubElement(font, q("name"), val=xlsx.FONT_NAME)
        return self._add("fonts", ("font", bold, link), font)

    def marked(self, base: int, argb: str, number_format: str | None = None) -> int:
        """The cell format `base` with the fill `argb` (and `number_format`, when given): a marked cell
        keeps its own look otherwise."""
        key = ("marked", base, argb, number_format)
        if key in self.made:  # asked for once per cell: the look is made once
            return self.made[key]
        formats = self.lists["cellXfs"]
        element = copy.deepcopy(formats[base] if 0 <= base < len(formats) else formats[0])
        element.set("fillId", str(self.fill(argb)))
        element.set("applyFill", "1")
        if number_format:
            element.set("numFmtId", str(self.number_format(number_format)))
            element.set("applyNumberFormat", "1")
        return self._add("cellXfs", key, element)

    def number_format(self, code: str) -> int:
        """The ID of the number format `code` (`DD.MM.YYYY`), added when the workbook has none such."""
        formats = self.root.find(q("numFmts"))
        if formats is None:
            formats = etree.Element(q("numFmts"))
            self.root.insert(0, formats)  # the first element of a styles part
        ids = [163]
        for found in formats.iterfind(q("numFmt")):
            if found.get("formatCode") == code:
                return int(found.get("numFmtId", "0"))
            ids.append(int(found.get("numFmtId", "0")))
        etree.SubElement(formats, q("numFmt"), numFmtId=str(max(ids) + 1), formatCode=code)
        formats.set("count", str(len(formats)))
        return max(ids) + 1

    def look(self, font: int = 0, fill: int = 0, wrap: bool = False, vertical: str = "top") -> int:
        """A cell format of the Issues sheet."""
        element = etree.Element(q("xf"), numFmtId="0", fontId=str(font), fillId=str(fill), borderId="0")
        element.set("xfId", "0")
        element.set("applyFont", "1")
        element.set("applyFill", "1")
        element.set("applyAlignment", "1")
        alignment = etree.SubElement(element, q("alignment"), vertical=vertical)
        if wrap:
            alignment.set("wrapText", "1")
        return self._add("cellXfs", ("look", font, fill, wrap, vertical), element)

    def save(self) -> None:
        for found in self.lists.values():
            found.set("count", str(len(found)))
        self.package.put(self.part, self.root)


def _text(text: str) -> str:
    return escape(xlsx.fit_text(text, "en")[0])


def comments_xml(shown: list[tuple[str, int, int, str]]) -> bytes:
    """A comments part, written by `appraisal`, one comment per problem cell."""
    comments = "".join(
        f'<comment ref="{ref}" authorId="0" shapeId="0"><text><t xml:space="preserve">{_text(text)}</t></text></comment>'
        for ref, _, _, text in shown
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<comments xmlns="{MAIN}">'
        f"<authors><author>appraisal</author></authors><commentList>{comments}</commentList></comments>"
    ).encode()


def vml_xml(shown: list[tuple[str, int, int, str]], block: int) -> bytes:
    """The legacy drawing Excel shows comments with: a hidden note box per comment, as openpyxl draws it."""
    shapes = []
    for index, (_, column, row, text) in enumerate(shown):
        height = 40 + 18 * max(1, len(text) // 45)
        shapes.append(
            f'<v:shape id="_x0000_s{block * 1024 + index + 1}" type="#_x0000_t202" style="position:absolute; '
            f"margin-left:59.25pt;margin-top:1.5pt;width:320px;height:{height}px;z-index:{index + 1};"
            'visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
            '<v:shadow color="black" obscured="t"/><v:path o:connecttype="none"/>'
            '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"/></v:textbox>'
            '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:AutoFill>False</x:AutoFill>'
            f"<x:Row>{row - 1}</x:Row><x:Column>{column - 1}</x:Column></x:ClientData></v:shape>"
        )
    return (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit">'
        f'<o:idmap v:ext="edit" data="{block}"/></o:shapelayout><v:shapetype id="_x0000_t202" '
        'coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
        f'<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>{"".join(shapes)}</xml>'
    ).encode()


def issues_sheet_xml(issues: IssuesSheet, styles: Styles, table: str | None) -> bytes:
    """The Issues sheet: a header row, a row per problem, its cell linked, frozen under the header."""
    top, wrapped = styles.look(), styles.look(wrap=True)
    header = styles.look(font=styles.font(bold=True), wrap=True, vertical="center")
    link = styles.look(font=styles.font(link=True))
    last = get_column_letter(len(issues.headers))
    rows = [_row(1, issues.headers, [header] * len(issues.headers))]
    for index, values in enumerate(issues.rows, 2):
        looks = [top] * len(values)
        looks[issues.wrapped_column] = wrapped
        looks[issues.severity_column] = styles.look(fill=styles.fill(issues.fills[index - 2]))
        if issues.links[index - 2]:
            looks[issues.link_column] = link
        rows.append(_row(index, values, looks))
    links = "".join(
        f'<hyperlink ref="{get_column_letter(issues.link_column + 1)}{index}" location={quoteattr(location)}/>'
        for index, location in enumerate(_locations(issues.links), 2)
        if location
    )
    cols = "".join(
        f'<col min="{index}" max="{index}" width="{width}" customWidth="1"/>'
        for index, width in enumerate(issues.widths, 1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" xmlns:r="{REL}">'
        f'<dimension ref="A1:{last}{len(issues.rows) + 1}"/><sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A1" sqref="A1"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData>{"".join(rows)}</sheetData>'
        + (f"<hyperlinks>{links}</hyperlinks>" if links else "")
        + '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
        + (f'<tableParts count="1"><tablePart r:id="{table}"/></tableParts>' if table else "")
        + "</worksheet>"
    ).encode("utf-8")


def _locations(links: list[tuple[str, str] | None]) -> list[str | None]:
    """Where each link goes, as Excel writes it: `'Ansatte'!E14`."""
    return [f"'{link[0].replace(chr(39), chr(39) * 2)}'!{link[1]}" if link else None for link in links]


def _row(number: int, values: list[str], looks: list[int]) -> str:
    cells = []
    for index, (value, look) in enumerate(zip(values, looks, strict=True), 1):
        ref = f"{get_column_letter(index)}{number}"
        if value:
            cells.append(
                f'<c r="{ref}" s="{look}" t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'
            )
        else:
            cells.append(f'<c r="{ref}" s="{look}"/>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def table_xml(issues: IssuesSheet, table_id: int) -> bytes:
    """The Issues sheet's table: its filter buttons and banded rows."""
    ref = f"A1:{get_column_letter(len(issues.headers))}{len(issues.rows) + 1}"
    columns = "".join(
        f"<tableColumn id={quoteattr(str(index))} name={quoteattr(xlsx.cell_safe_text(name))}/>"
        for index, name in enumerate(issues.headers, 1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<table xmlns="{MAIN}" id="{table_id}" '
        f'name="{issues.table_name}" displayName="{issues.table_name}" ref="{ref}" headerRowCount="1">'
        f'<autoFilter ref="{ref}"/><tableColumns count="{len(issues.headers)}">{columns}</tableColumns>'
        '<tableStyleInfo name="TableStyleLight9" showRowStripes="1"/></table>'
    ).encode()

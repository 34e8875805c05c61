"""Reading generated documents the way a checker should: open the package, parse the XML, compare text.

python-docx's `paragraph.text` misses text in some constructs (content controls, fields, tracked
insertions), so the text checks collect every `w:t` of a part with lxml instead.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CORE = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"


def part(path: Path, name: str) -> bytes:
    """One part of a .docx package, as bytes."""
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def part_names(path: Path) -> list[str]:
    """The names of every part in a .docx package."""
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def xml_text(xml: bytes) -> str:
    """Every `w:t` of a WordprocessingML part joined; `w:br` as a newline, `w:tab` as a tab."""
    root = etree.fromstring(xml)
    pieces = []
    for element in root.iter(f"{{{W}}}t", f"{{{W}}}br", f"{{{W}}}tab"):
        if element.tag == f"{{{W}}}t":
            pieces.append(element.text or "")
        elif element.tag == f"{{{W}}}br":
            pieces.append("\n")
        else:
            pieces.append("\t")
    return "".join(pieces)


def docx_text(path: Path) -> str:
    """The body text of a .docx (word/document.xml), see `xml_text`."""
    return xml_text(part(path, "word/document.xml"))


def paragraphs(path: Path) -> list[str]:
    """The body's lines in document order: each `w:p`'s text (see `xml_text`), split at line breaks,
    empty lines left out."""
    root = etree.fromstring(part(path, "word/document.xml"))
    result = []
    for paragraph in root.iter(f"{{{W}}}p"):
        text = xml_text(etree.tostring(paragraph))
        result.extend(line for line in text.split("\n") if line)
    return result


def custom_properties(path: Path) -> dict[str, str]:
    """docProps/custom.xml as {name: text value}."""
    root = etree.fromstring(part(path, "docProps/custom.xml"))
    return {prop.get("name"): "".join(prop.itertext()) for prop in root.iter(f"{{{CUSTOM}}}property")}


def core_elements(path: Path) -> dict[str, str]:
    """docProps/core.xml as {local name: text}."""
    root = etree.fromstring(part(path, "docProps/core.xml"))
    return {etree.QName(child).localname: child.text or "" for child in root}


def make_docx(path: Path, *texts: str, header: str | None = None) -> Path:
    """A small .docx made with python-docx: one paragraph per text, optionally a header paragraph."""
    document = docx.Document()
    for text in texts:
        document.add_paragraph(text)
    if header is not None:
        document.sections[0].header.paragraphs[0].text = header
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under `root` (but the ledger folder) by relative path, with its bytes."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".appraisal" not in p.relative_to(root).parts
    }


def tree_mtimes(root: Path) -> dict[str, int]:
    """Every file under `root` (but the ledger folder) by relative path, with its mtime in ns."""
    return {
        p.relative_to(root).as_posix(): p.stat().st_mtime_ns
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".appraisal" not in p.relative_to(root).parts
    }


SYSTEM_PYTHON = Path("/usr/bin/python3")  # the Python LibreOffice's UNO bridge (python3-uno) belongs to
TYPE_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "type_in_libreoffice.py"


def type_in_libreoffice(source: Path, target: Path, plan: list[tuple[str, str, str, list[str]]]) -> Path:
    """Type answers into a form through LibreOffice's own editing (UNO) and save it as .docx; `plan` is
    (key, hint or value where typing starts, mode, keys) per field, see scripts/type_in_libreoffice.py."""
    import json
    import subprocess

    import pytest

    check = subprocess.run([str(SYSTEM_PYTHON), "-c", "import uno"], capture_output=True)
    if check.returncode != 0:
        pytest.fail("typing in LibreOffice needs python3-uno for /usr/bin/python3: .ci/run installs it")
    plan_file = target.with_suffix(".plan.json")
    plan_file.write_text(
        json.dumps([{"key": k, "hint": h, "mode": m, "keys": keys} for k, h, m, keys in plan]), "utf-8"
    )
    subprocess.run(
        [str(SYSTEM_PYTHON), str(TYPE_SCRIPT), str(source), str(target), str(plan_file)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return target


CALC_SCRIPT = TYPE_SCRIPT.with_name("edit_in_calc.py")


def edit_in_calc(path: Path, plan: list[dict]) -> Path:
    """Edit a workbook in LibreOffice Calc (UNO): sort, type into cells, insert a column, delete a row,
    and save it in place; `plan` as in scripts/edit_in_calc.py."""
    import json
    import subprocess

    import pytest

    check = subprocess.run([str(SYSTEM_PYTHON), "-c", "import uno"], capture_output=True)
    if check.returncode != 0:
        pytest.fail("editing in LibreOffice needs python3-uno for /usr/bin/python3: .ci/run installs it")
    plan_file = path.with_name(f"{path.stem}.plan.json")
    plan_file.write_text(json.dumps(plan), "utf-8")
    done = subprocess.run(
        [str(SYSTEM_PYTHON), str(CALC_SCRIPT), str(path), str(plan_file)],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        pytest.fail(f"editing {path.name} in Calc failed:\n{done.stderr[-3000:]}")
    plan_file.unlink()
    return path


def manager_copy(round_folder: Path) -> Path:
    """A manager's copy with no chart (one department), which the XML writer makes."""
    for path in sorted(round_folder.glob("managers/*/oppfolging.xlsx")):
        with zipfile.ZipFile(path) as archive:
            if not any("chart" in name for name in archive.namelist()):
                return path
    raise AssertionError("no manager's copy without a chart in the sample round")


# Word's and Excel's File > Save As > "Strict Open XML Document/Spreadsheet" (ISO/IEC 29500 Strict): the
# same .docx or .xlsx, its parts in other namespaces (and relationship types), the package's own
# (content types, relationships) as they are, the main part marked as Strict
STRICT_NAMESPACES = [
    ("wordprocessingml/2006/main", "wordprocessingml/main"),
    ("spreadsheetml/2006/main", "spreadsheetml/main"),
    ("officeDocument/2006/relationships", "officeDocument/relationships"),
    ("officeDocument/2006/custom-properties", "officeDocument/customProperties"),
    ("officeDocument/2006/docPropsVTypes", "officeDocument/docPropsVTypes"),
    ("officeDocument/2006/extended-properties", "officeDocument/extendedProperties"),
    ("officeDocument/2006/math", "officeDocument/math"),
    ("drawingml/2006/main", "drawingml/main"),
    ("drawingml/2006/wordprocessingDrawing", "drawingml/wordprocessingDrawing"),
]


def save_as_strict(source: Path, destination: Path) -> Path:
    """Copy a .docx or .xlsx as Word and Excel save it in Strict Open XML: every XML part's namespaces
    made Strict, the workbook or document marked so."""
    with zipfile.ZipFile(source) as archive:
        parts = [(info, archive.read(info.filename)) for info in archive.infolist()]
    destination.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts:
            if info.filename.endswith((".xml", ".rels")):
                for usual, strict in STRICT_NAMESPACES:
                    data = data.replace(
                        f"http://schemas.openxmlformats.org/{usual}".encode(),
                        f"http://purl.oclc.org/ooxml/{strict}".encode(),
                    )
            if info.filename == "xl/workbook.xml":
                data = data.replace(b"<workbook ", b'<workbook conformance="strict" ', 1)
            elif info.filename == "word/document.xml":
                data = data.replace(b"<w:document ", b'<w:document w:conformance="strict" ', 1)
            archive.writestr(info, data)
    return destination

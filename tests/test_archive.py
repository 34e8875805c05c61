"""The archive-grade personnel copy (issue 15): `collect --pdf` writes each personnel copy of the
minutes also as PDF/A-2, tagged, with its language and title, every font embedded. veraPDF cannot be
installed from the registries this project reaches, so the checks are those the issue names: the
PDF/A identification in the XMP metadata, the output intent, and `pdffonts`."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from pipeline.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "input" / "round.xlsx"
NOTES = ROOT / "input" / "notes"
ROUND = "2027-H1"
LANGUAGES = {"1005": "nb-NO", "1009": "nb-NO", "1012": "en-GB", "1018": "nb-NO"}  # the readers' languages


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    output = tmp_path_factory.mktemp("archive") / "output"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("APPRAISAL_TODAY", "2027-02-01")
        result = CliRunner().invoke(
            cli, ["collect", str(NOTES), "-w", str(SAMPLE), "-o", str(output), "--pdf"]
        )
    assert result.exit_code == 0, result.output
    return output, result.output


def pdfinfo(path: Path, *args: str) -> str:
    return subprocess.run(["pdfinfo", *args, str(path)], capture_output=True, text=True, check=True).stdout


def test_each_personnel_copy_has_a_pdf_a_2_beside_it(collected):
    output, printed = collected
    pdfs = sorted(output.glob(f"personnel/*/{ROUND}-minutes.pdf"))
    assert [p.parent.name for p in pdfs] == sorted(LANGUAGES)
    assert f"Archive copies (PDF/A-2) written: 4, in {output / 'personnel'}" in printed
    for pdf in pdfs:
        meta = pdfinfo(pdf, "-meta")
        assert "<pdfaid:part>2</pdfaid:part>" in meta
        assert "<pdfaid:conformance>B</pdfaid:conformance>" in meta
        raw = pdf.read_bytes()
        assert re.search(rb"/OutputIntents\s*\[", raw) and b"/GTS_PDFA1" in raw
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        rows = fonts.splitlines()[2:]
        assert rows and all(row.split()[-5] == "yes" for row in rows), fonts  # the `emb` column


def test_the_pdf_is_tagged_and_carries_its_readers_language_and_the_title(collected):
    output, _ = collected
    for employee_id, language in LANGUAGES.items():
        pdf = output / "personnel" / employee_id / f"{ROUND}-minutes.pdf"
        info = pdfinfo(pdf)
        assert re.search(r"^Tagged:\s+yes$", info, re.M), info
        title = docx.Document(pdf.with_suffix(".docx")).core_properties.title
        assert title and re.search(rf"^Title:\s+{re.escape(title)}$", info, re.M), (title, info)
        raw = pdf.read_bytes()
        assert f"/Lang({language})".encode() in raw
        assert b"/DisplayDocTitle true" in raw and b"/StructTreeRoot" in raw


def test_collecting_again_converts_only_what_changed_or_is_missing(collected, monkeypatch):
    output, _ = collected
    pdfs = sorted(output.glob(f"personnel/*/{ROUND}-minutes.pdf"))
    stamps = {p: p.stat().st_mtime_ns for p in pdfs}
    pdfs[0].unlink()
    monkeypatch.setenv("APPRAISAL_TODAY", "2027-02-01")

    again = CliRunner().invoke(cli, ["collect", str(NOTES), "-w", str(SAMPLE), "-o", str(output), "--pdf"])

    assert again.exit_code == 0, again.output
    assert f"Archive copies (PDF/A-2) written: 1, in {output / 'personnel'}" in again.output
    assert pdfs[0].is_file()
    assert all(p.stat().st_mtime_ns == stamps[p] for p in pdfs[1:])


def test_without_libreoffice_the_forms_are_still_collected_and_a_warning_says_why(tmp_path, monkeypatch):
    monkeypatch.setattr("pipeline.store.pdf.find_soffice", lambda: None)  # as on a machine without it
    monkeypatch.setenv("APPRAISAL_TODAY", "2027-02-01")
    output = tmp_path / "output"

    result = CliRunner().invoke(cli, ["collect", str(NOTES), "-w", str(SAMPLE), "-o", str(output), "--pdf"])

    assert result.exit_code == 0, result.output
    assert (
        "Warning: no PDF/A-2 copies written: --pdf needs LibreOffice, which is not installed."
        in result.output
    )
    assert len(list(output.glob(f"personnel/*/{ROUND}-minutes.docx"))) == 4
    assert not list(output.glob("personnel/*/*.pdf"))

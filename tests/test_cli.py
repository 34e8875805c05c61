"""The `appraisal` command through click's CliRunner: exit codes and the lines a user sees."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli import cli, main
from pipeline.round.rules import check_workbook


@pytest.fixture
def runner():
    return CliRunner()


def lines(text):
    return text.splitlines()


# -- validate ----------------------------------------------------------------------------------------


def test_validate_clean_workbook(runner, base_workbook):
    result = runner.invoke(cli, ["validate", "-w", str(base_workbook)])

    assert result.exit_code == 0
    assert lines(result.stdout) == [
        f"Checked {base_workbook}: 5 employees, 5 meetings, 2 goals.",
        "",
        "No problems found.",
    ]
    assert result.stderr == ""


def test_validate_with_warnings_only_exits_0(runner, make_workbook):
    path = make_workbook(schedule={"103": None}, extra_sheets={"Notater": [["x"]]})

    result = runner.invoke(cli, ["validate", "--workbook", str(path)])

    assert result.exit_code == 0
    out = lines(result.stdout)
    assert (
        "  Ansatte!A5         warning Ansattnr: 103 (Anne Lie) has no meeting in Samtaleplan; they get no invitation until one is added. [no-meeting]"
        in out
    )
    assert any(line.startswith("  Notater") and line.endswith("[unknown-sheet]") for line in out)
    assert out[-1] == "0 errors, 1 warning, 1 note."


def test_validate_with_an_error_exits_1(runner, make_workbook):
    path = make_workbook(employees={"101": {"department": None}})

    result = runner.invoke(cli, ["validate", "-w", str(path)])

    assert result.exit_code == 1
    assert lines(result.stdout) == [
        f"Checked {path}: 5 employees, 5 meetings, 2 goals.",
        "",
        "Ansatte",
        "  Ansatte!E3         error   Avdeling: Avdeling is required; fill it in. [required-value]",
        "",
        "1 error, 0 warnings.",
    ]
    assert "Traceback" not in result.output


def test_validate_groups_lines_by_sheet(runner, make_workbook):
    path = make_workbook(
        employees={"102": {"manager_id": "0101"}},
        schedule={"102": {"date": dt.date(2027, 1, 23)}},
        goals={"G-2": {"progress": 120}},
        round={"invitation_date": dt.date(2027, 1, 5)},
    )

    result = runner.invoke(cli, ["validate", "-w", str(path)])

    assert result.exit_code == 1
    out = lines(result.stdout)
    headings = [line for line in out if line and not line.startswith(" ")][1:-1]
    assert headings == ["Ansatte", "Samtaleplan", "Mål"]
    where = [line.split()[0] for line in out if line.startswith("  ")]
    assert where == ["Ansatte!G4", "Samtaleplan!B2", "Samtaleplan!B3", "Samtaleplan!B4", "Mål!I3"]
    assert any("did you mean 101? [unknown-manager]" in line for line in out)
    assert out[-1] == "3 errors, 2 warnings."


def test_validate_missing_sheet_and_column(runner, make_workbook):
    path = make_workbook(sheets={"goals": None}, headers={"employees": {"email": None}})

    result = runner.invoke(cli, ["validate", "-w", str(path)])

    assert result.exit_code == 1
    out = lines(result.stdout)
    assert out[0] == f"Checked {path}: 5 employees, 5 meetings, 0 goals."
    assert any(line.startswith("  Ansatte ") and line.endswith("[missing-column]") for line in out)
    assert any(line.startswith("  Mål ") and line.endswith("[missing-sheet]") for line in out)
    assert out[-1] == "2 errors, 0 warnings."


def test_validate_default_workbook_is_input_round_xlsx(runner, tmp_path, make_workbook, monkeypatch):
    (tmp_path / "input").mkdir()
    make_workbook("input/round.xlsx")
    monkeypatch.chdir(tmp_path)

    result = runner.invoke(cli, ["validate"])

    assert result.exit_code == 0
    assert result.stdout.startswith("Checked input/round.xlsx: 5 employees")


def test_validate_without_a_workbook(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    result = runner.invoke(cli, ["validate"])

    assert result.exit_code == 1
    assert lines(result.stderr) == [
        "Error: input/round.xlsx: no such file. Create one with `appraisal init` or pass --workbook."
    ]
    assert result.stdout == ""


# -- --json ------------------------------------------------------------------------------------------


def test_validate_json_equals_the_library_report(runner, make_workbook):
    path = make_workbook(
        employees={"102": {"manager_id": "0101"}, "103": {"email": "anne@"}},
        schedule={"103": None},
        extra_sheets={"Notater": [["x"]]},
        round={"favourite_colour": "blå"},
    )
    _, report = check_workbook(path, today=dt.date(2026, 12, 1))

    result = runner.invoke(cli, ["validate", "-w", str(path), "--json"])

    assert result.exit_code == 1
    printed = json.loads(result.stdout)
    assert printed == [i.to_dict() for i in report.issues]
    assert len(printed) == 5
    for item in printed:
        assert set(item) == {"severity", "sheet", "cell", "column", "code", "message"}
    assert printed[0] == {
        "severity": "warning",
        "sheet": "Runde",
        "cell": "A12",
        "column": None,
        "code": "unknown-setting",
        "message": '"favourite_colour" is not a known setting; it is ignored.',
    }
    assert "Mål" in result.stdout or "Ansatte" in result.stdout  # not escaped to \u codes
    assert result.stderr == ""


def test_validate_json_of_a_clean_workbook(runner, base_workbook):
    result = runner.invoke(cli, ["validate", "-w", str(base_workbook), "--json"])

    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_validate_json_keeps_norwegian_letters(runner, make_workbook):
    path = make_workbook(goals={"G-1": {"progress": 300}})

    result = runner.invoke(cli, ["validate", "-w", str(path), "--json"])

    assert '"sheet": "Mål"' in result.stdout
    assert json.loads(result.stdout)[0]["column"] == "Fremdrift (%)"


# -- --report ----------------------------------------------------------------------------------------


def test_validate_report_workbook(runner, make_workbook, tmp_path):
    path = make_workbook(employees={"101": {"department": None}}, schedule={"104": {"start": "25:00"}})
    destination = tmp_path / "problemer.xlsx"

    result = runner.invoke(cli, ["validate", "-w", str(path), "--report", str(destination)])

    assert result.exit_code == 1
    assert lines(result.stdout)[-1] == f"Report written to {destination}"
    workbook = openpyxl.load_workbook(destination)
    assert workbook.sheetnames[0] == "Problemer"
    rows = list(workbook["Problemer"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[5]) for r in rows] == [
        ("Ansatte", "E3", "required-value"),
        ("Samtaleplan", "C6", "invalid-time"),
    ]
    assert workbook["Ansatte"]["E3"].fill.fill_type == "solid"
    assert "[required-value]" in workbook["Ansatte"]["E3"].comment.text
    assert "[invalid-time]" in workbook["Samtaleplan"]["C6"].comment.text
    assert workbook["Ansatte"]["E4"].comment is None
    assert workbook["Samtaleplan"]["C5"].comment is None
    assert workbook["Samtaleplan"]["C6"].fill.fill_type == "solid"
    assert workbook["Ansatte"]["E4"].fill.fill_type is None
    original = openpyxl.load_workbook(path)
    for name in original.sheetnames:
        assert list(workbook[name].values) == list(original[name].values), name


def test_validate_report_in_english_for_an_english_round(runner, make_workbook, tmp_path):
    path = make_workbook(lang="en", round={"language": "en"}, employees={"101": {"department": None}})
    destination = tmp_path / "issues.xlsx"

    result = runner.invoke(cli, ["validate", "-w", str(path), "--report", str(destination)])

    assert result.exit_code == 1
    workbook = openpyxl.load_workbook(destination)
    assert workbook.sheetnames[0] == "Issues"
    assert workbook["Employees"]["E3"].comment is not None


def test_validate_json_and_report_print_only_json(runner, make_workbook, tmp_path):
    path = make_workbook(employees={"101": {"department": None}})
    destination = tmp_path / "problemer.xlsx"

    result = runner.invoke(cli, ["validate", "-w", str(path), "--json", "--report", str(destination)])

    assert result.exit_code == 1
    assert len(json.loads(result.stdout)) == 1
    assert destination.exists()


def test_validate_report_over_the_workbook_is_refused(runner, base_workbook):
    before = base_workbook.read_bytes()

    result = runner.invoke(cli, ["validate", "-w", str(base_workbook), "--report", str(base_workbook)])

    assert result.exit_code == 1
    assert lines(result.stderr) == [
        f"Error: {base_workbook}: the report would overwrite the workbook itself; choose another name."
    ]
    assert base_workbook.read_bytes() == before


# -- run ---------------------------------------------------------------------------------------------


def test_run_writes_the_validation_report_and_exits_1_on_errors(runner, make_workbook, tmp_path):
    path = make_workbook(employees={"101": {"department": None}})
    output = tmp_path / "output"

    result = runner.invoke(cli, ["run", "-w", str(path), "-o", str(output)])

    assert result.exit_code == 1
    destination = output / "2027-H1" / "validation-report.xlsx"
    assert f"Report written to {destination}" in lines(result.stdout)
    assert "1 error, 0 warnings." in lines(result.stdout)
    assert lines(result.stderr) == ["Fix the errors above and run again; nothing else was produced."]
    workbook = openpyxl.load_workbook(destination)
    assert workbook.sheetnames[0] == "Problemer"
    assert workbook["Ansatte"]["E3"].comment is not None
    written = sorted(p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file())
    # besides the report, only the locks `run` held (taken before it wrote anything) and the state's record
    # of the report (so that notes written in it are kept when it is replaced): no documents
    assert written == [".appraisal/lock", ".appraisal/run", ".appraisal/state.sqlite", "2027-H1/.appraisal/lock",
                       "2027-H1/.appraisal/run", "2027-H1/validation-report.xlsx"]  # fmt: skip


def test_run_clean_round_passes_validation(runner, base_workbook, tmp_path):
    output = tmp_path / "output"

    result = runner.invoke(cli, ["run", "--workbook", str(base_workbook), "--output", str(output)])

    assert result.exit_code == 0
    out = lines(result.stdout)
    assert out[0] == f"Checked {base_workbook}: 5 employees, 5 meetings, 2 goals."
    assert out[1:4] == [
        "",
        "No problems found.",
        f"Report written to {output / '2027-H1' / 'validation-report.xlsx'}",
    ]
    report = openpyxl.load_workbook(output / "2027-H1" / "validation-report.xlsx")
    assert report.sheetnames[0] == "Problemer"
    assert report["Problemer"].max_row == 1
    assert "Traceback" not in result.output


def test_run_without_round_id_writes_nothing(runner, make_workbook, tmp_path):
    path = make_workbook(round={"round_id": None})
    output = tmp_path / "output"

    result = runner.invoke(cli, ["run", "-w", str(path), "-o", str(output)])

    assert result.exit_code == 1
    assert any(line.endswith("[required-setting]") for line in lines(result.stdout))
    assert not output.exists()


def test_run_on_a_bad_file(runner, tmp_path):
    path = tmp_path / "round.xlsx"
    path.write_text("Ansattnr;Fornavn\n")

    result = runner.invoke(cli, ["run", "-w", str(path), "-o", str(tmp_path / "output")])

    assert result.exit_code == 1
    assert lines(result.stderr)[0].startswith(f"Error: {path}: the file is text")
    assert not (tmp_path / "output").exists()


# -- files that are no workbook ----------------------------------------------------------------------


def _real_xlsx(make_workbook) -> bytes:
    return make_workbook().read_bytes()


def _zip(members) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024
BAD_FILES = {
    "empty": (lambda real: b"", "the file is empty"),
    "csv": (
        lambda real: b"Ansattnr,Fornavn\n100,Kari\n",
        "the file is text (a CSV file?), not an .xlsx workbook",
    ),
    "xls": (lambda real: OLE, "this is an old Excel 97-2003 (.xls) file"),
    "password": (
        lambda real: OLE + "EncryptionInfo".encode("utf-16-le") + b"\0" * 64,
        "the workbook is password-protected",
    ),
    "truncated": (lambda real: real[: len(real) // 2], "the workbook is damaged or incomplete"),
    "zip": (lambda real: _zip({"readme.txt": "hei"}), "this zip file is not an Excel workbook"),
    # an OpenDocument file names its kind in its first member, `mimetype`, as LibreOffice writes it
    "ods": (
        lambda real: _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": ""}),
        "this is an OpenDocument spreadsheet (.ods), not an .xlsx workbook. In LibreOffice Calc, choose "
        "File > Save As, file type Excel 2007-365 (.xlsx)",
    ),
    "docx": (
        lambda real: _zip({"[Content_Types].xml": "", "word/document.xml": "<w:document/>"}),
        "this is a text document, not the round's workbook",
    ),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_file_is_one_error_line_naming_the_file(runner, make_workbook, tmp_path, kind):
    make, message = BAD_FILES[kind]
    path = tmp_path / f"{kind}.xlsx"
    path.write_bytes(make(_real_xlsx(make_workbook)))

    result = runner.invoke(cli, ["validate", "-w", str(path)])

    assert result.exit_code == 1
    assert len(lines(result.stderr)) == 1
    assert result.stderr.startswith(f"Error: {path}: {message}")
    assert result.stdout == ""
    assert "Traceback" not in result.output


def test_missing_file_is_one_error_line(runner, tmp_path):
    path = tmp_path / "mangler.xlsx"

    result = runner.invoke(cli, ["validate", "-w", str(path)])

    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {path}: no such file")
    assert "Traceback" not in result.output


def test_debug_shows_the_traceback(runner, tmp_path):
    path = tmp_path / "round.xlsx"
    path.write_bytes(OLE)

    result = runner.invoke(cli, ["--debug", "validate", "-w", str(path)])

    assert result.exit_code == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "pipeline.errors.WorkbookError" in result.stderr
    assert lines(result.stderr)[-1] == (
        f"Error: {path}: this is an old Excel 97-2003 (.xls) file. Open it in Excel and save it as .xlsx."
    )


def test_debug_may_stand_anywhere_on_the_line(tmp_path, capsys):
    path = tmp_path / "round.xlsx"
    path.write_bytes(OLE)

    with pytest.raises(SystemExit) as caught:
        main(["validate", "-w", str(path), "--debug"])

    assert caught.value.code == 1
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_main_without_debug_shows_no_traceback(tmp_path, capsys):
    path = tmp_path / "round.xlsx"
    path.write_bytes(OLE)

    with pytest.raises(SystemExit) as caught:
        main(["validate", "-w", str(path)])

    assert caught.value.code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.startswith(f"Error: {path}: ")


# -- usage -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate", "--colour"], "No such option '--colour'."),
        (["validate", "-w"], "Option '-w' requires an argument."),
        (["validate", "--report"], "Option '--report' requires an argument."),
        (["valider"], "No such command 'valider'."),
        (["run", "--json"], "No such option '--json'."),
    ],
)
def test_usage_errors_exit_2(runner, args, message):
    result = runner.invoke(cli, args)

    assert result.exit_code == 2
    assert f"Error: {message}" in result.stderr
    assert "Traceback" not in result.output


def test_workbook_option_refuses_a_folder(runner, tmp_path):
    result = runner.invoke(cli, ["validate", "-w", str(tmp_path)])

    assert result.exit_code == 2
    assert "is a directory" in result.stderr


def test_help(runner):
    result = runner.invoke(cli, ["--help"])

    assert result.exit_code == 0
    assert "validate" in result.stdout
    assert "run" in result.stdout


def test_validate_help_is_its_docstring(runner):
    result = runner.invoke(cli, ["validate", "-h"])

    assert result.exit_code == 0
    assert "Check the round workbook and list every problem, by sheet and cell." in result.stdout
    assert "--json" in result.stdout
    assert "[default: input/round.xlsx]" in result.stdout


def test_version(runner):
    result = runner.invoke(cli, ["--version"])

    assert result.exit_code == 0
    assert result.stdout == "appraisal, version 0.1.0\n"

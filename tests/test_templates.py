"""Finding templates (project folder, then the bundled defaults; language fallback) and checking them."""

from __future__ import annotations

import re

import docx
import pytest
from click.testing import CliRunner
from support.helpers import docx_text, make_docx

from pipeline.cli import cli
from pipeline.render.templates import TemplateSet, bundled_templates

MARKER = "MARKØR-PROSJEKTMAL-7Q"


@pytest.fixture
def runner():
    return CliRunner()


def project_invitation(folder, lang="nb"):
    """A copy of the bundled letter with a marker paragraph, as the project's `<lang>/invitation.docx`."""
    document = docx.Document(bundled_templates() / "nb" / "invitation.docx")
    document.add_paragraph(MARKER)
    target = folder / lang / "invitation.docx"
    target.parent.mkdir(parents=True, exist_ok=True)
    document.save(target)
    return target


# -- lookup ------------------------------------------------------------------------------------------


def test_project_template_in_the_round_language_serves_other_languages(tmp_path):
    own = project_invitation(tmp_path / "templates")
    templates = TemplateSet(tmp_path / "templates", "nb")

    assert templates.path("invitation", "nb") == own
    assert templates.path("invitation", "en") == own
    assert templates.path("invitation", "nn") == own
    # No overview in the project: the bundled one, in the reader's language when there is one.
    assert templates.path("overview", "en") == bundled_templates() / "en" / "overview.docx"
    assert templates.path("overview", "nn") == bundled_templates() / "nn" / "overview.docx"
    assert templates.get("invitation", "en") is templates.get("invitation", "nb")


def test_without_a_project_folder_the_bundled_templates_are_used(tmp_path):
    templates = TemplateSet(None, "nb")

    assert templates.path("invitation", "en") == bundled_templates() / "en" / "invitation.docx"
    assert templates.path("invitation", "nb") == bundled_templates() / "nb" / "invitation.docx"
    assert templates.path("invitation", "nn") == bundled_templates() / "nn" / "invitation.docx"


def test_project_language_folder_wins_over_bundled_same_language(tmp_path):
    own = project_invitation(tmp_path / "templates", lang="en")
    templates = TemplateSet(tmp_path / "templates", "nb")

    assert templates.path("invitation", "en") == own
    assert templates.path("invitation", "nb") == bundled_templates() / "nb" / "invitation.docx"


# -- fallback end to end -----------------------------------------------------------------------------


def test_invite_uses_the_project_nb_template_for_an_english_employee(
    runner, base_workbook, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    project_invitation(tmp_path / "templates")

    result = runner.invoke(cli, ["invite", "-w", str(base_workbook), "-j", "1"])

    assert result.exit_code == 0, result.output
    employees = tmp_path / "output" / "2027-H1" / "employees"
    english = docx_text(employees / "103-Anne Lie" / "invitation.docx")
    assert MARKER in english
    assert "Tuesday 19 January 2027 at 10:30" in english  # the reader's language inside the round's template
    assert "Hei Anne," in english
    assert MARKER in docx_text(employees / "102-Per Berg" / "invitasjon.docx")


def test_invite_without_a_project_folder_uses_the_bundled_english_letter(
    runner, base_workbook, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)

    result = runner.invoke(cli, ["invite", "-w", str(base_workbook), "-j", "1"])

    assert result.exit_code == 0, result.output
    employees = tmp_path / "output" / "2027-H1" / "employees"
    english = docx_text(employees / "103-Anne Lie" / "invitation.docx")
    assert "Dear Anne," in english
    assert "Tuesday 19 January 2027 at 10:30" in english
    assert MARKER not in english
    assert "Hei Per," in docx_text(employees / "102-Per Berg" / "invitasjon.docx")


# -- templates check ---------------------------------------------------------------------------------


def problems_by_template(output: str) -> dict[str, list[str]]:
    """`templates check` output as {template as printed: [its problem lines]} (`[]` for ok)."""
    result: dict[str, list[str]] = {}
    current = None
    for line in output.splitlines():
        if line.startswith("  "):
            result[current].append(line[2:])
        else:
            current, _, mark = line.rpartition(": ")
            assert mark == "ok" or mark.endswith("problem(s)"), line
            result[current] = []
    return result


def test_templates_check_on_the_defaults(runner, base_workbook, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no templates/ here: the bundled ones

    result = runner.invoke(cli, ["templates", "check", "-w", str(base_workbook)])

    assert result.output.splitlines()[:6] == [
        f"{bundled_templates() / 'nb' / 'invitation.docx'}: ok",
        f"{bundled_templates() / 'en' / 'invitation.docx'}: ok",
        f"{bundled_templates() / 'nn' / 'invitation.docx'}: ok",
        f"{bundled_templates() / 'nb' / 'overview.docx'}: ok",
        f"{bundled_templates() / 'en' / 'overview.docx'}: ok",
        f"{bundled_templates() / 'nn' / 'overview.docx'}: ok",
    ]
    from pipeline.mail.templates import EMAIL_TEMPLATES

    # seven kinds of document and each e-mail, in three languages
    assert len(result.output.splitlines()) == (7 + len(EMAIL_TEMPLATES)) * 3
    assert [line for line in result.output.splitlines() if not line.endswith(": ok")] == []
    assert result.exit_code == 0


def test_templates_check_without_a_workbook_uses_built_in_examples(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    result = runner.invoke(cli, ["templates", "check"])

    assert [line for line in result.output.splitlines() if not line.endswith(": ok")] == []
    assert result.exit_code == 0


def test_templates_check_lists_every_problem(runner, base_workbook, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    make_docx(
        tmp_path / "templates" / "nb" / "invitation.docx",
        "Hei {{ employe.first_name }}",
        "{{ meeting.when }}",
    )
    make_docx(
        tmp_path / "templates" / "nb" / "overview.docx", "Oversikt", "{% if meeting %}Dato {{ x }", "slutt"
    )
    make_docx(tmp_path / "templates" / "en" / "overview.docx", "{{ meeting_count + 1 }}")
    make_docx(tmp_path / "templates" / "nb" / "brev.docx", "Hei")

    result = runner.invoke(cli, ["templates", "check", "-w", str(base_workbook)])

    assert result.exit_code == 1
    found = problems_by_template(result.output)
    assert found["templates/nb/invitation.docx"] == ["unknown variable: employe"]
    [syntax] = found["templates/nb/overview.docx"]
    assert re.fullmatch(
        r'Jinja syntax error in word/document\.xml \(line \d+\) near ".*Dato \{\{ x \}.*', syntax
    )
    [runtime] = found["templates/en/overview.docx"]
    assert runtime.startswith("TypeError in word/document.xml: ")
    [unknown] = found["templates/nb/brev.docx"]
    assert unknown.startswith("not a template the tool uses (known: invitation, overview")
    assert result.output.splitlines()[0] == "templates/nb/invitation.docx: 1 problem(s)"


def test_templates_check_reports_an_unknown_key(runner, base_workbook, tmp_path):
    make_docx(tmp_path / "mine" / "nb" / "invitation.docx", "{{ meeting.romnummer }} {{ meeting.location }}")

    result = runner.invoke(
        cli, ["templates", "check", "-t", str(tmp_path / "mine"), "-w", str(base_workbook)]
    )

    assert result.exit_code == 1
    lines = result.output.splitlines()
    index = lines.index(f"{tmp_path / 'mine' / 'nb' / 'invitation.docx'}: 1 problem(s)")
    assert lines[index + 1].startswith("  unknown variable: romnummer")


def test_templates_check_on_a_missing_folder(runner, tmp_path):
    result = runner.invoke(cli, ["templates", "check", "-t", str(tmp_path / "nope")])

    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'nope'}: no such templates folder.\n"


def test_invite_refuses_a_template_with_an_unknown_variable(runner, base_workbook, tmp_path):
    make_docx(tmp_path / "mine" / "nb" / "invitation.docx", "Hei {{ employe.first_name }}")

    result = runner.invoke(
        cli,
        [
            "invite",
            "-w",
            str(base_workbook),
            "-o",
            str(tmp_path / "out"),
            "-t",
            str(tmp_path / "mine"),
            "-j",
            "1",
        ],
    )

    assert result.exit_code == 1
    template = tmp_path / "mine" / "nb" / "invitation.docx"
    assert f"failed   {template}: 'employe' is undefined" in result.stderr
    assert (
        "  failed                    5" in result.stdout.splitlines()
    )  # the four Norwegian letters and Anne's
    assert list((tmp_path / "out").rglob("invita*.docx")) == []


def test_a_template_edited_after_a_run_updates_its_documents_on_the_next_run(
    runner, base_workbook, tmp_path, monkeypatch
):
    """An unchanged re-run skips the whole step; an edited template must still be noticed."""
    monkeypatch.chdir(tmp_path)
    project_invitation(tmp_path / "templates")
    assert runner.invoke(cli, ["invite", "-w", str(base_workbook), "-j", "1"]).exit_code == 0
    again = runner.invoke(cli, ["invite", "-w", str(base_workbook), "-j", "1"])
    assert re.search(r"unchanged\s+\d+", again.output) and re.search(r"updated\s+0", again.output)

    document = docx.Document(tmp_path / "templates" / "nb" / "invitation.docx")
    document.add_paragraph("NY-LINJE-I-MALEN")
    document.save(tmp_path / "templates" / "nb" / "invitation.docx")
    result = runner.invoke(cli, ["invite", "-w", str(base_workbook), "-j", "1"])

    assert result.exit_code == 0, result.output
    assert re.search(r"updated\s+5", result.output), result.output  # the five letters, not .ics or overviews
    employees = tmp_path / "output" / "2027-H1" / "employees"
    assert "NY-LINJE-I-MALEN" in docx_text(employees / "102-Per Berg" / "invitasjon.docx")

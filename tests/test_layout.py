"""File and folder names that are safe on Windows, macOS and Linux, whatever a name contains."""

from __future__ import annotations

import re

import pytest
from support.helpers import docx_text

from pipeline.documents.invite import render_invitations
from pipeline.documents.kinds import KINDS
from pipeline.render.templates import TemplateSet
from pipeline.round.rules import check_workbook
from pipeline.store import layout

WINDOWS_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.IGNORECASE)

NASTY = [
    "Kari/Nordmann",
    "Kari\\Nordmann",
    "..",
    ".",
    "../../etc/passwd",
    "..\\..\\Windows",
    "C:\\Users\\kari",
    "Kari: sjef?",
    'a<b>c"d|e*f',
    "CON",
    "con",
    "nul.txt",
    "NUL.tar.gz",
    "COM1",
    "lpt9.doc",
    "aux ",
    "Kari Nordmann.",
    "Kari Nordmann. . ",
    "  Kari  ",
    "Kari\x00Nord\x1fmann\x7f",
    "Kari\nNordmann\tjr",
    "😀 Kari 👩‍💻",
    "Æsa Øye Åsen",
    "x" * 300,
    "Ø" * 200,
    "😀" * 100,
    "",
    "   ",
    "...",
    ".hidden",
    "a" * 119 + "😀",
]


def assert_safe(name: str) -> None:
    assert name, "empty name"
    assert name not in (".", "..")
    assert not name.startswith(".")
    assert not WINDOWS_FORBIDDEN.search(name), name
    assert not WINDOWS_RESERVED.match(name), name
    assert not name.endswith((".", " ")), name
    assert name == name.strip()
    assert len(name.encode("utf-8")) <= layout.MAX_NAME_BYTES


@pytest.mark.parametrize("text", NASTY)
def test_safe_name_is_safe_and_usable(tmp_path, text):
    name = layout.safe_name(text)

    assert_safe(name)
    created = tmp_path / name
    created.mkdir()
    assert created.is_dir()
    assert created.resolve().parent == tmp_path.resolve()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kari Nordmann", "Kari Nordmann"),
        ("Kari/Nordmann", "Kari_Nordmann"),
        ("Kari\\Nordmann", "Kari_Nordmann"),
        ("Kari: sjef?", "Kari_ sjef_"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("Kari Nordmann. ", "Kari Nordmann"),
        ("..", "_"),
        ("", "_"),
        ("😀 Kari", "😀 Kari"),
        ("Æsa Øye Åsen", "Æsa Øye Åsen"),
        ("A\u030asen", "Åsen"),  # decomposed Å (macOS) becomes the composed one
        ("Kari  \u00a0 Nordmann", "Kari Nordmann"),
    ],
)
def test_safe_name_examples(text, expected):
    assert layout.safe_name(text) == expected


def test_long_names_are_cut_on_a_character_boundary():
    assert layout.safe_name("x" * 300) == "x" * layout.MAX_NAME_BYTES
    assert layout.safe_name("Ø" * 200) == "Ø" * (layout.MAX_NAME_BYTES // 2)
    assert layout.safe_name("a" * 119 + "😀") == "a" * 119


def test_different_people_keep_different_folders():
    names = [f"{i}-{text}" for i, text in enumerate(NASTY)]

    assert len({layout.safe_name(n) for n in names}) == len(names)


def test_document_names():
    assert KINDS["invitation"].file_name("nb", ".docx") == "invitasjon.docx"
    assert KINDS["invitation"].file_name("nn", ".docx") == "invitasjon.docx"
    assert KINDS["calendar"].file_name("en", ".ics") == "invitation.ics"
    assert KINDS["overview"].file_name("en", ".docx") == "schedule-overview.docx"


# -- people with awkward names get folders inside the output ---------------------------------------

AWKWARD = {
    "101": {"first_name": "../../..", "last_name": "CON"},
    "102": {"first_name": "Per\\..\\..", "last_name": "Berg: <sjef>?" + "x" * 200},
    "103": {"first_name": "nul.txt", "last_name": "Lie . ."},
    "104": {"first_name": "Lise😀", "last_name": '"Dahl" | *'},
}


def test_awkward_names_get_folders_inside_the_output(make_workbook, tmp_path):
    path = make_workbook(employees=AWKWARD)
    round_, report = check_workbook(path)
    assert report.errors == []
    output = tmp_path / "output"

    result = render_invitations(round_, output, TemplateSet(None, "nb"))

    assert {o.status for o in result.outcomes} == {"written"}
    root = (output / "2027-H1").resolve()
    employees = sorted(p for p in (root / "employees").iterdir())
    managers = sorted(p for p in (root / "managers").iterdir())
    assert len(employees) == 5
    for folder in employees + managers:
        assert folder.is_dir()
        assert folder.resolve().parent.parent == root
        assert_safe(folder.name)
    for employee_id, fields in AWKWARD.items():
        [folder] = [p for p in employees if p.name.startswith(f"{employee_id}-")]
        [letter] = folder.glob("*.docx")
        assert f"{fields['first_name']} {fields['last_name']}" in docx_text(letter)
    # Nothing escaped the round's folder (the output folder's state database aside).
    state = (output / ".appraisal").resolve()
    outside = [
        p
        for p in output.rglob("*")
        if not p.resolve().is_relative_to(root) and not p.resolve().is_relative_to(state)
    ]
    assert outside == []
    assert sorted(p.name for p in output.iterdir()) == [".appraisal", "2027-H1"]

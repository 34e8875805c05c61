"""Who may read what the tool writes (issue 15, item 7): personnel files are for their owner, so every
file is 0600 and every folder 0700 by default, whatever the umask; `APPRAISAL_FILE_MODE=group` makes them
0660 and 0770 for a shared drive's group. Checked on a whole round made as a new user makes it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli


@pytest.fixture
def loose_umask():
    """The usual umask (0022: everything readable by everyone), restored after the test."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def make_round(project: Path, env: dict[str, str]) -> dict[Path, int]:
    runner = CliRunner(env={"APPRAISAL_TODAY": "2027-02-01", **env})
    assert runner.invoke(cli, ["init", "--example", str(project)]).exit_code == 0
    workbook, output = project / "input" / "round.xlsx", project / "output"
    result = runner.invoke(cli, ["run", "-w", str(workbook), "-o", str(output)])
    assert result.exit_code == 0, result.output
    return {path: path.stat().st_mode & 0o777 for path in project.rglob("*") if not path.is_symlink()}


@pytest.mark.usefixtures("loose_umask")
def test_every_file_and_folder_is_its_owners_only_by_default(tmp_path):
    modes = make_round(tmp_path / "round", {"APPRAISAL_FILE_MODE": ""})
    assert len(modes) > 100 and any(p.suffix == ".sqlite" for p in modes)
    assert {oct(m) for p, m in modes.items() if p.is_file()} == {"0o600"}
    assert {oct(m) for p, m in modes.items() if p.is_dir()} == {"0o700"}


@pytest.mark.usefixtures("loose_umask")
def test_a_shared_drive_may_give_the_group_the_same_rights(tmp_path):
    modes = make_round(tmp_path / "round", {"APPRAISAL_FILE_MODE": "group"})
    assert {oct(m) for p, m in modes.items() if p.is_file()} == {"0o660"}
    assert {oct(m) for p, m in modes.items() if p.is_dir()} == {"0o770"}


def test_an_unknown_file_mode_is_refused(tmp_path):
    result = CliRunner(env={"APPRAISAL_FILE_MODE": "everyone"}).invoke(
        cli, ["validate", "-w", str(tmp_path / "x.xlsx")]
    )
    assert result.exit_code == 1
    assert "APPRAISAL_FILE_MODE='everyone' is not a file mode: use private or group." in result.output

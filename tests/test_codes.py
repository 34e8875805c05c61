"""Every problem code is declared once, listed in the README's tables, and used by the code that reports it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from pipeline.codes import COLLECT_CODES, PROBLEM_CODES, STATUS_CODES, WORKBOOK_CODES

ROOT = Path(__file__).resolve().parent.parent
CODE = re.compile(r"^[a-z]+(-[a-z0-9]+)+$")


def readme_codes() -> set[str]:
    codes = set()
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            codes |= set(re.findall(r"`([a-z0-9-]+)`", first_cell))
    return codes


def codes_in_the_code() -> set[str]:
    """Kebab-case strings the package passes where a code goes: `note(code, ...)`, `warn(code, ...)`,
    `add(code, ...)` on a form's problems, `problem(severity, code, ...)`, `Refused(message, code)`, and
    the fifth argument of `Problem(...)`/`self.add(...)` in the workbook rules."""
    found = set()
    for path in (ROOT / "pipeline").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in ("note", "warn", "add", "problem", "Refused", "Problem", "_add", "issue"):
                continue
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and CODE.match(arg.value):
                    found.add(arg.value)
            found |= {
                k.value.value for k in node.keywords if k.arg == "code" and isinstance(k.value, ast.Constant)
            }
    return found


def test_every_declared_code_is_in_the_readme_and_nothing_else_is():
    assert readme_codes() == set(PROBLEM_CODES)


def test_every_code_the_package_uses_is_declared():
    used = codes_in_the_code()
    assert used - PROBLEM_CODES == set()
    assert len(used) > 60  # the scan finds the codes (a scan that finds nothing would pass the line above)


def test_the_stages_declare_their_codes_apart():
    assert set() == COLLECT_CODES & STATUS_CODES
    assert set() == WORKBOOK_CODES & STATUS_CODES
    # shared with the workbook where the problem is the same: the employee or their meeting
    assert {"unknown-employee", "inactive-employee", "no-meeting"} == WORKBOOK_CODES & COLLECT_CODES

"""The house rules of the package (issue 10), kept by a test so that they stay kept: no function over
80 lines, no module over 500 lines, and only the command line knows click."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "pipeline"
MODULES = sorted(PACKAGE.rglob("*.py"))


def test_no_function_is_over_80_lines():
    long = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > 80:
                    long.append((path.relative_to(PACKAGE).as_posix(), node.name, lines))
    assert not long


def test_no_module_is_over_500_lines():
    assert len(MODULES) > 40
    long = [
        (p.relative_to(PACKAGE).as_posix(), n)
        for p in MODULES
        if (n := len(p.read_text().splitlines())) > 500
    ]
    assert not long


def test_only_the_command_line_imports_click():
    users = set()
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names] if isinstance(node, ast.Import)
                else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            )  # fmt: skip
            if any(n == "click" or n.startswith("click.") for n in names):
                users.add(path.relative_to(PACKAGE).parts[0])
    assert users == {"cli"}

"""`scripts/make_templates.py` still runs, and makes exactly the default templates that ship: the
templates are built by code, and a change to the code or to the wording catalogue that is not carried
into the shipped templates shows here."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "pipeline" / "default_templates"


def test_make_templates_makes_the_shipped_templates_byte_for_byte(tmp_path, monkeypatch, capsys):
    spec = importlib.util.spec_from_file_location("make_templates", ROOT / "scripts" / "make_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "TARGET", tmp_path / "templates")
    monkeypatch.setattr(module, "ROOT", tmp_path)

    assert module.main() == 0

    made = {
        p.relative_to(tmp_path / "templates"): p.read_bytes()
        for p in (tmp_path / "templates").rglob("*.docx")
    }
    shipped = {p.relative_to(SHIPPED): p.read_bytes() for p in SHIPPED.rglob("*.docx")}
    assert set(made) == set(shipped) and len(made) >= 12
    assert [name for name in made if made[name] != shipped[name]] == []

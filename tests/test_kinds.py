"""Every document kind is declared once, with everything a kind needs: a template in each language, a
file name and a title in each language, and an example context (what `templates check` renders)."""

from __future__ import annotations

from pathlib import Path

from pipeline import texts
from pipeline.documents.examples import contexts_of
from pipeline.documents.kinds import KINDS, TEMPLATE_KINDS, Step, kinds_of
from pipeline.forms.fields import LANGS
from pipeline.render.templates import TemplateSet, bundled_templates
from pipeline.round.reader import read_round

ROOT = Path(__file__).resolve().parent.parent


def test_every_template_kind_has_a_bundled_template_in_each_language():
    for kind in TEMPLATE_KINDS:
        for lang in LANGS:
            assert (bundled_templates() / lang / f"{kind}.docx").is_file(), (kind, lang)
            assert TemplateSet(None, lang).get(kind, lang).digest


def test_no_bundled_template_is_for_a_kind_nobody_declared():
    found = {p.stem for p in bundled_templates().glob("*/*.docx")}
    assert found == set(TEMPLATE_KINDS)


def test_every_kind_has_a_file_name_and_a_title_in_each_language():
    for kind in KINDS.values():
        for lang in LANGS:
            file_name, title = (texts.get(lang, f"kinds.{kind.name}.{part}") for part in ("file", "title"))
            assert file_name and title, (kind.name, lang)
            assert kind.file_name(lang, ".docx").endswith(".docx")
        assert kind.described


def test_every_template_kind_has_an_example_context():
    round_, _ = read_round(ROOT / "input" / "round.xlsx")
    assert set(contexts_of(round_)) == set(TEMPLATE_KINDS)


def test_each_step_writes_its_kinds():
    assert kinds_of(Step.INVITE) == ("invitation", "overview")
    assert kinds_of(Step.PREPARE) == ("employee_preparation", "manager_preparation", "meeting_notes")
    assert kinds_of(Step.COLLECT) == ("minutes",)
    assert kinds_of(Step.STATUS) == ("plan",)


def test_the_code_digest_covers_every_source_and_data_file_of_the_package(tmp_path):
    """No hand-kept list: a change to any .py or .toml anywhere in the package changes the digest."""
    import shutil

    from pipeline.store.batch import code_digest, package_digest

    package = Path(__file__).resolve().parents[1] / "pipeline"
    copy = tmp_path / "pipeline"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert package_digest(copy) == code_digest()
    changed = set()
    for relative in ("forms/reading.py", "model.py", "round/example_company.toml", "store/state.py"):
        path = copy / relative
        before = path.read_bytes()
        path.write_bytes(before + b"\n# changed\n")
        changed.add(package_digest(copy))
        path.write_bytes(before)
    assert len(changed) == 4 and code_digest() not in changed
    (copy / "documents" / "new_kind.py").write_text("X = 1\n")
    assert package_digest(copy) != code_digest()

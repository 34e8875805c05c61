"""The message catalogues (`pipeline/texts`): bokmål, nynorsk and English hold the same keys with the same
fields, the nynorsk is nynorsk (spelled as Debian's nynorsk dictionary knows it), every key the code
looks up is there, and no module keeps a table of labels per language of its own."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest
from support import spelling

from pipeline import texts
from pipeline.collect.approvals import APPROVAL_FIELDS
from pipeline.documents.kinds import KINDS
from pipeline.followup.columns import COLUMNS, source_labels, stage_labels
from pipeline.followup.figures import FIGURE_COLUMNS, figure_headers
from pipeline.forms import fields
from pipeline.model import Stage
from pipeline.round import schema, starter

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pipeline"
EVERY_LANGUAGE = texts.LANGUAGES
LOOKUPS = {"get": 1, "words": 1, "section": 1, "every": 0}  # function -> position of its key
EXCEPTION = "not a label table"  # a comment on a dict's line, or the line before, that says why


def _fields(value: texts.Text) -> set[str]:
    items = (value,) if isinstance(value, str) else value
    return {name for item in items for _, name, _, _ in string.Formatter().parse(item) if name is not None}


def _sources() -> list[tuple[Path, ast.Module, list[str]]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        found.append((path, ast.parse(source), source.splitlines()))
    return found


# -- the catalogues -------------------------------------------------------------------------------------


def test_the_catalogue_files_are_the_languages():
    assert {p.stem for p in (PACKAGE / "texts").glob("*.toml")} == set(EVERY_LANGUAGE)


@pytest.mark.parametrize("lang", ["en", "nn"])
def test_every_language_holds_the_keys_of_bokmal_with_the_same_fields(lang):
    nb, other = texts.catalogue("nb"), texts.catalogue(lang)
    assert sorted(set(nb) - set(other)) == []
    assert sorted(set(other) - set(nb)) == []
    for key in nb:
        assert type(nb[key]) is type(other[key]), key
        if isinstance(nb[key], tuple):
            assert len(nb[key]) == len(other[key]), key
        assert _fields(nb[key]) == _fields(other[key]), key
        for value in (nb[key], other[key]):
            assert all(item.strip() for item in ((value,) if isinstance(value, str) else value)), key


def test_the_nynorsk_catalogue_is_spelled_as_nynorsk():
    """Every word of nn.toml is in Debian's nynorsk dictionary (hunspell-no), or a compound of two
    words it knows, or on the short list of names, terms and forms it lacks (support/spelling.py)."""
    found = [
        w for value in texts.catalogue("nn").values() for item in _items(value) for w in spelling.words(item)
    ]
    assert len(found) > 2000
    assert sorted(spelling.unknown(found) - spelling.NYNORSK_TERMS) == []


def test_the_nynorsk_catalogue_holds_no_bokmal_of_its_own():
    """Bokmål words that nynorsk does not use are in no nynorsk text (the words of the issue, and more)."""
    nn = {
        w.lower()
        for value in texts.catalogue("nn").values()
        for item in _items(value)
        for w in spelling.words(item)
    }
    assert not nn & spelling.BOKMAL_ONLY
    nb = {
        w.lower()
        for value in texts.catalogue("nb").values()
        for item in _items(value)
        for w in spelling.words(item)
    }
    assert nb & spelling.BOKMAL_ONLY  # the list is of words bokmål does use


def _items(value: texts.Text) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else value


def test_lookups():
    assert texts.get("nb", "book.none") == "(ingen)"
    assert (
        texts.get("en", "summary.few", n=5) == "The round has fewer than 5 employees; no figures are shown."
    )
    assert texts.get("nn", "calendar.summary") == "Medarbeidarsamtale"
    assert texts.get("nn", "workbook.values.goal_status.not_started") == "ikkje starta"
    assert texts.get("de", "book.none") == "(ingen)"  # any other language reads bokmål
    assert list(texts.section("en", "book.flags").items()) == [("yes", "yes"), ("no", "no")]
    assert texts.section("nn", "locale")["minutes"] == "minutt"
    assert texts.words("en", "invitation.agenda")[0] == "Introduction: the purpose of the conversation"
    assert texts.every("book.sheets.conversations") == ("Samtaler", "Conversations", "Samtalar")
    with pytest.raises(KeyError, match="no text 'book.nothing'"):
        texts.get("nb", "book.nothing")
    with pytest.raises(KeyError, match="no texts under 'book.nothing'"):
        texts.section("nb", "book.nothing")
    with pytest.raises(TypeError):
        texts.get("nb", "invitation.agenda")
    with pytest.raises(TypeError):
        texts.words("nb", "book.none")


# -- every key the code looks up ------------------------------------------------------------------------


def _literal_keys(node: ast.expr) -> list[tuple[str, bool]]:
    """The keys an argument can be: (text, whole) for a literal, (its literal start, False) for an
    f-string, both sides of a conditional; nothing for what is computed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [(node.value, True)]
    if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
        return [(str(node.values[0].value), False)]
    if isinstance(node, ast.IfExp):
        return _literal_keys(node.body) + _literal_keys(node.orelse)
    return []


def _is_lookup(node: ast.AST) -> str | None:
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "texts"
        and node.func.attr in LOOKUPS
    ):
        return node.func.attr
    return None


def _looked_up() -> list[tuple[str, str, str, bool]]:
    """Every key the package looks up in a form that can be read: (where, function, key, whole)."""
    found = []
    for path, tree, _lines in _sources():
        where = str(path.relative_to(ROOT))
        for scope in ast.walk(tree):
            if not isinstance(scope, ast.FunctionDef | ast.Module):
                continue
            sections: dict[str, str] = {}  # `text = texts.section(lang, "summary")`: text -> "summary"
            for node in ast.walk(scope) if scope is not tree else ():
                if (
                    isinstance(node, ast.Assign)
                    and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name)
                ) and _is_lookup(node.value) == "section":
                    for key, whole in _literal_keys(node.value.args[1]):
                        if whole:
                            sections[node.targets[0].id] = key
            for node in ast.walk(scope):
                name = _is_lookup(node)
                if name is not None and scope is tree:
                    for key, whole in _literal_keys(node.args[LOOKUPS[name]]):
                        found.append((where, name, key, whole))
                if (
                    isinstance(node, ast.Subscript)
                    and isinstance(node.value, ast.Name)
                    and node.value.id in sections
                ):
                    for key, whole in _literal_keys(node.slice):
                        found.append((where, "get", f"{sections[node.value.id]}.{key}", whole))
    return found


def test_every_key_the_code_looks_up_is_in_both_catalogues():
    looked_up = _looked_up()
    assert len(looked_up) > 100  # the scan sees the lookups
    for lang in texts.LANGUAGES:
        keys = texts.catalogue(lang)
        missing = []
        for where, name, key, whole in looked_up:
            if name == "section" or not whole:
                prefix = key if not whole else f"{key}."
                ok = any(k.startswith(prefix) for k in keys)
            else:
                ok = key in keys
            if not ok:
                missing.append((where, key))
        assert missing == [], lang


@pytest.mark.parametrize("lang", EVERY_LANGUAGE)
def test_every_key_made_from_a_name_resolves(lang):
    """The keys the code makes from the names of sheets, columns, settings, kinds, fields and figures."""
    for kind in ("round", "instructions", "issues"):
        assert schema.sheet_name(kind, lang)
    for spec in schema.DATA_SHEETS:
        assert spec.name(lang)
        for column in spec.columns:
            assert column.header(lang)
            assert texts.get(lang, f"starter.column_notes.{spec.kind}.{column.field}")
            if column.enum:
                assert set(schema.enum_labels(column.enum, lang)) == set(schema.ENUMS[column.enum])
        assert texts.get(lang, f"starter.sheet_notes.{spec.kind}")
    for setting in schema.SETTINGS:
        assert setting.explanation(lang)
    for topic in (*(f"how_to.{t}" for t in starter.HOW_TO), *(f"next_steps.{s}" for s in starter.NEXT_STEPS)):
        assert texts.get(lang, f"starter.{topic}.label") and texts.get(lang, f"starter.{topic}.text")
    for kind in KINDS.values():
        assert kind.file_name(lang, ".docx") and kind.title(lang, "Kari")
    for form in ("employee_preparation", "manager_preparation", "meeting_notes"):
        for field in (*fields.form_fields(form, ["G1"]), *APPROVAL_FIELDS):
            assert field.label(lang) and field.placeholder(lang) and field.title(lang), field.key
    for columns in COLUMNS.values():
        for column in columns:
            assert column.header(lang)
    assert set(stage_labels(lang)) == {stage.value for stage in Stage}
    assert {"workbook", "minutes", "removed", "hand", "no_id", "duplicate"} <= set(source_labels(lang))
    assert len(figure_headers(lang)) == len(FIGURE_COLUMNS)
    assert set(texts.section(lang, "figures.notes")) <= {name for name, _ in FIGURE_COLUMNS}


def test_the_starter_names_every_topic_the_catalogue_has():
    topics = {key.split(".")[2] for key in texts.catalogue("nb") if key.startswith("starter.how_to.")}
    steps = {key.split(".")[2] for key in texts.catalogue("nb") if key.startswith("starter.next_steps.")}
    assert topics == set(starter.HOW_TO) and steps == set(starter.NEXT_STEPS)


# -- no label tables elsewhere --------------------------------------------------------------------------


def _excused(lines: list[str], line: int) -> bool:
    return any(EXCEPTION in lines[n - 1] for n in (line - 1, line) if n >= 1)


def test_no_module_but_texts_keeps_labels_per_language():
    """A dict keyed by both "nb" and "en" (or `dict(nb=..., en=...)`), or a class attribute per language
    (`nb: str`, `label_en: str`), is a table of wording: its place is the catalogues. A dict that is
    not one says why in a comment with "not a label table" on its line or the line before."""
    found = []
    for path, tree, lines in _sources():
        if path.parent.name == "texts":
            continue
        where = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            keys: set[object] = set()
            if isinstance(node, ast.Dict):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
                keys = {k.arg for k in node.keywords}
            if {"nb", "en"} <= keys and not _excused(lines, node.lineno):
                found.append((where, node.lineno))
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                        name = item.target.id
                        if name in EVERY_LANGUAGE or name.endswith(
                            tuple(f"_{lang}" for lang in EVERY_LANGUAGE)
                        ):
                            found.append((where, item.lineno))
    assert found == [], found


def test_a_catalogue_parsed_once_is_taken_from_the_cache_and_parsed_anew_when_it_changed(
    tmp_path, monkeypatch
):
    """The TOML files' parse is kept in the user's cache folder under the hash of their bytes (parsing
    them took 26 ms of every command); a damaged cache, or one that cannot be written, is not used."""
    import json

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    texts._file.cache_clear()
    try:
        parsed = dict(texts._file("en"))
        (kept,) = (tmp_path / "appraisal").glob("texts-en-*.json")
        assert json.loads(kept.read_text(encoding="utf-8"))["book.none"] == parsed["book.none"]
        texts._file.cache_clear()
        kept.write_text(json.dumps({**json.loads(kept.read_text(encoding="utf-8")), "book.none": "(cached)"}))
        assert texts._file("en")["book.none"] == "(cached)"  # taken from the cache
        assert isinstance(texts._file("en")["invitation.agenda"], tuple)  # lists come back as tuples
        texts._file.cache_clear()
        kept.write_text("{damaged")
        assert dict(texts._file("en")) == parsed  # parsed again, and kept again
        assert json.loads(kept.read_text(encoding="utf-8"))["book.none"] == parsed["book.none"]
        texts._file.cache_clear()
        # the parse of a catalogue as it was before (another hash): not used, and removed
        kept.rename(stale := kept.with_name("texts-en-0123456789ab.json"))
        stale.write_text(json.dumps({"book.none": "(stale)"}))
        assert dict(texts._file("en")) == parsed
        assert not stale.exists() and kept.exists()
        texts._file.cache_clear()
        (tmp_path / "a-file").write_text("")
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file" / "below"))  # a cache that cannot be
        assert dict(texts._file("en")) == parsed
    finally:
        texts._file.cache_clear()

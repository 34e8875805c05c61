"""Every label and sentence people read in the workbooks and documents, in each language.

One message catalogue per language, shipped beside this module and read once: `nb.toml` (bokmål),
`nn.toml` (nynorsk) and `en.toml` (English) are complete and hold the same keys; any other language
code reads bokmål. A key is a dotted
path grouped by where the text is used (`book.none`, `summary.few`, `forms.fields.summary.label`); a
value is a text, which may have `str.format` fields (`{date}`), or a list of texts.

    texts.get("nb", "book.none")            -> "(ingen)"
    texts.get("en", "summary.few", n=5)     -> "The round has fewer than 5 employees; ..."
    texts.section("nb", "book.stages")      -> {"unscheduled": "ikke planlagt", ...}
    texts.words("en", "invitation.agenda")  -> ("Introduction: the purpose of the conversation", ...)
    texts.every("book.sheets.conversations") -> ("Samtaler", "Conversations", "Samtalar"): what a reader recognises

The workbook's problem messages, as the validation report says them, are in `problems/<lang>.toml`
beside the catalogues, read into them under `problems.` (`problems.unknown-manager`); `message` says
one. What the tool says on the terminal (and a problem's `message`, in `--json`) is English only; the
wording of the documents is in their templates. How to change a wording or add a
language: docs/templates.md ("Wording and languages").
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType

Text = str | tuple[str, ...]

LANGUAGES = ("nb", "en", "nn")  # the catalogues: the languages workbooks and documents are written in
DEFAULT = "nb"  # the catalogue of every other language code


def _flatten(table: Mapping[str, object], prefix: str, into: dict[str, Text], source: str) -> None:
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, Mapping):
            _flatten(value, f"{key}.", into, source)
        elif isinstance(value, str):
            into[key] = value
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            into[key] = tuple(value)
        else:
            raise TypeError(f"{source}: {key} is neither a text nor a list of texts")


@functools.cache
def _file(name: str) -> Mapping[str, Text]:
    """One catalogue file as it is, flattened to dotted keys: parsed from its TOML files, or taken from
    the cache of their parse when their bytes are the ones parsed (`_cached`)."""
    sources = [
        (source, prefix, Path(__file__).parent.joinpath(*source.split("/")).read_bytes())
        for source, prefix in ((f"{name}.toml", ""), (f"problems/{name}.toml", "problems."))
    ]
    digest = hashlib.sha256(b"\0".join(data for _, _, data in sources)).hexdigest()[:24]
    flat = _cached(name, digest)
    if flat is None:
        import tomllib  # only to parse: the cache is JSON

        flat = {}
        for source, prefix, data in sources:
            _flatten(tomllib.loads(data.decode("utf-8")), prefix, flat, source)
        _keep(name, digest, flat)
    return MappingProxyType(flat)


# Parsing the three catalogues' TOML (tomllib is written in Python) took 26 ms of every command, about
# 5% of an unchanged `appraisal run` at 3,000 employees (issue 16); with importlib.resources, which
# found the files, 36 ms. Their parse is kept as JSON in the
# user's cache folder, under the hash of the files' bytes: any change to a catalogue is parsed anew. A
# cache that cannot be read or written is only not used.


def _cache_file(name: str, digest: str) -> Path:
    folder = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(folder, "appraisal", f"texts-{name}-{digest}.json")


def _cached(name: str, digest: str) -> dict[str, Text] | None:
    try:
        data = json.loads(_cache_file(name, digest).read_text(encoding="utf-8"))
    except (OSError, ValueError, RuntimeError):  # RuntimeError: no home folder to be found
        return None
    if not isinstance(data, dict):
        return None
    flat: dict[str, Text] = {}
    for key, value in data.items():
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            value = tuple(value)
        elif not isinstance(value, str):
            return None
        flat[key] = value
    return flat


def _keep(name: str, digest: str, flat: dict[str, Text]) -> None:
    from pipeline.errors import OutputError
    from pipeline.store.files import atomic_write_bytes  # only when a catalogue was parsed

    try:
        path = _cache_file(name, digest)
        atomic_write_bytes(path, json.dumps(flat, ensure_ascii=False).encode("utf-8"))
        for stale in path.parent.glob(f"texts-{name}-*.json"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except (OSError, RuntimeError, OutputError):
        pass


def language(code: str | None) -> str:
    """The catalogue a language code is written in: its own (nb, nn, en), else bokmål."""
    return code if code in LANGUAGES else DEFAULT


@functools.cache
def catalogue(lang: str) -> Mapping[str, Text]:
    """Every text of a language by key: its own catalogue, or (any other code) the default's."""
    return _file(lang if lang in LANGUAGES else DEFAULT)


def _value(lang: str, key: str) -> Text:
    try:
        return catalogue(lang)[key]
    except KeyError:
        raise KeyError(f"no text {key!r} in the catalogue of {lang!r}") from None


def get(lang: str, key: str, **fields: object) -> str:
    """The text `key` in `lang`, its `{fields}` filled in from the keyword arguments when any are given."""
    value = _value(lang, key)
    if not isinstance(value, str):
        raise TypeError(f"{key!r} is a list of texts: use texts.words")
    return value.format(**fields) if fields else value


def words(lang: str, key: str) -> tuple[str, ...]:
    """The list of texts `key` in `lang` (an agenda, the steps of a preparation)."""
    value = _value(lang, key)
    if isinstance(value, str):
        raise TypeError(f"{key!r} is a single text: use texts.get")
    return value


@functools.cache
def section(lang: str, prefix: str) -> Mapping[str, str]:
    """The texts under `prefix` in `lang`, by the rest of their key, in the catalogue's order:
    `section("nb", "book.stages")["planned"]` is `get("nb", "book.stages.planned")`."""
    start = f"{prefix}."
    found = {
        key[len(start) :]: value
        for key, value in catalogue(lang).items()
        if key.startswith(start) and isinstance(value, str)
    }
    if not found:
        raise KeyError(f"no texts under {prefix!r} in the catalogue of {lang!r}")
    return MappingProxyType(found)


def message(lang: str, key: str, args: Iterable[tuple[str, object]]) -> str:
    """The problem message `problems.<key>` in `lang`, its fields filled in from `args`: (name, value)
    pairs, where a value with a `key` and `args` of its own (a `model.Phrase`) is said in `lang` too,
    and a mapping holds the value by language (`{"en": "Constitution Day", "nb": "Grunnlovsdag"}`).
    Only the catalogue's text is a template: a value (text from a workbook) goes in as it is."""
    fields = {name: _said(lang, value) for name, value in args}
    template = get(lang, f"problems.{key}")  # not get(..., **fields): a field may be called `key`
    return template.format(**fields) if fields else template


def _said(lang: str, value: object) -> object:
    if isinstance(getattr(value, "key", None), str) and isinstance(getattr(value, "args", None), tuple):
        return message(lang, value.key, value.args)  # type: ignore[attr-defined]
    if isinstance(value, Mapping):
        return value.get(lang, value[DEFAULT])  # nynorsk reads a value given only in bokmål
    return value


def every(key: str) -> tuple[str, ...]:
    """The text `key` in every complete catalogue (`LANGUAGES` order): what a reader recognises."""
    return tuple(get(lang, key) for lang in LANGUAGES)

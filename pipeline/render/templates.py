"""Finding templates (the project's own, else the defaults shipped with the package) and checking them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import jinja2

from pipeline.render.engine import CompiledTemplate, TemplateError, make_environment


def bundled_templates() -> Path:
    """The default templates shipped inside the package."""
    return Path(str(resources.files("pipeline") / "default_templates"))


@dataclass
class TemplateSet:
    """Templates by (kind, language), compiled on first use and then reused for every document."""

    folder: Path | None  # the project's templates folder; None = only the bundled defaults
    fallback_language: str = "nb"
    compiled: dict[Path, CompiledTemplate] = field(default_factory=dict)
    by_kind: dict[tuple[str, str], CompiledTemplate] = field(default_factory=dict)

    def path(self, kind: str, lang: str) -> Path:
        """The template for a kind and language (`find_template`)."""
        return find_template(
            self.folder, f"{kind}.docx", lang, self.fallback_language, f"template for {kind}"
        )

    def get(self, kind: str, lang: str) -> CompiledTemplate:
        """The compiled template for a kind and language."""
        known = self.by_kind.get((kind, lang))
        if known is not None:
            return known
        path = self.path(kind, lang)
        template = self.compiled.get(path)
        if template is None:
            template = self.compiled[path] = CompiledTemplate.load(path, kind)
        self.by_kind[(kind, lang)] = template
        return template


def find_template(folder: Path | None, name: str, lang: str, fallback: str, what: str) -> Path:
    """The template file `name` (a document's `.docx`, an e-mail's `.txt`): the project's in `lang`, else
    in the round's language (`fallback`); then the bundled default in that language, else in the
    round's. TemplateError saying `what` is missing when there is none."""
    candidates = [
        base / language / name
        for base in (folder, bundled_templates())
        if base is not None
        for language in dict.fromkeys((lang, fallback, "nb"))
    ]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise TemplateError(f"no {what} ({lang}); looked in: {', '.join(map(str, candidates[:2]))}")


def resolve_template_folder(option: Path | None) -> Path | None:
    """`--templates` when given (it must exist), else `templates/` in the current folder if there is one."""
    if option is not None:
        if not option.is_dir():
            raise TemplateError(f"{option}: no such templates folder.")
        return option
    default = Path("templates")
    return default if default.is_dir() else None


@dataclass(frozen=True)
class TemplateProblem:
    """One problem found in one template."""

    template: Path
    message: str


def _recording_undefined(seen: list[str]) -> type[jinja2.Undefined]:
    """An Undefined that records every unknown variable in `seen` instead of failing at the first one
    (a class per check, so that two checks at once do not share what they saw)."""

    class RecordingUndefined(_RecordingUndefined):
        pass

    RecordingUndefined.seen = seen
    return RecordingUndefined


class _RecordingUndefined(jinja2.Undefined):
    """Records every unknown variable instead of failing at the first one (see `_recording_undefined`)."""

    seen: list[str]

    def _record(self) -> None:
        name = self._undefined_name
        if self._undefined_obj is not jinja2.utils.missing:
            owner = getattr(type(self._undefined_obj), "__name__", "object")
            name = f"{name} (not a key of this {owner})"
        if name not in self.seen:
            self.seen.append(name)

    def __str__(self) -> str:
        self._record()
        return ""

    def __iter__(self):  # type: ignore[override]
        self._record()
        return iter(())

    def __bool__(self) -> bool:
        self._record()
        return False

    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):
            raise AttributeError(name)
        self._record()
        return self


def check_templates(
    templates: TemplateSet,
    examples: dict[str, dict[str, object]],
    languages: tuple[str, ...] = ("nb", "en", "nn"),
) -> tuple[list[Path], list[TemplateProblem]]:
    """Compile each template found and render it with an example context.

    Returns the templates checked and their problems: Jinja syntax errors (with the line) and
    variables the context does not provide.
    """
    checked: list[Path] = []
    problems: list[TemplateProblem] = []
    paths: dict[Path, str] = {}
    kinds = tuple(examples)  # one example context per kind of template (documents.kinds)
    for kind in kinds:
        for lang in languages:
            try:
                paths.setdefault(templates.path(kind, lang), kind)
            except TemplateError as exc:
                problems.append(TemplateProblem(Path(f"{lang}/{kind}.docx"), str(exc)))
    if templates.folder is not None:  # templates HR added that the tool does not know
        for extra in sorted(templates.folder.glob("*/*.docx")):
            if extra.stem not in kinds and not extra.name.startswith("~$"):
                problems.append(
                    TemplateProblem(extra, f"not a template the tool uses (known: {', '.join(kinds)})")
                )
    seen: list[str] = []
    environment = make_environment(_recording_undefined(seen))
    for path, kind in paths.items():
        checked.append(path)
        try:
            template = CompiledTemplate.load(path, kind, environment)
        except TemplateError as exc:
            problems.append(TemplateProblem(path, re.sub(rf"^{re.escape(str(path))}: ", "", str(exc))))
            continue
        seen.clear()
        try:
            template.render(examples[kind], {})
        except TemplateError as exc:
            problems.append(TemplateProblem(path, re.sub(rf"^{re.escape(str(path))}: ", "", str(exc))))
        for name in seen:
            problems.append(TemplateProblem(path, f"unknown variable: {name}"))
    return checked, problems


def problems_by_template(checked: list[Path], problems: list[TemplateProblem]) -> dict[Path, list[str]]:
    """`check_templates`' answer per template, as `templates check` lists it: every template checked,
    in order, with its problems (none for a good one), then the problems of files not checked."""
    by_template: dict[Path, list[str]] = {path: [] for path in checked}
    for problem in problems:
        by_template.setdefault(problem.template, []).append(problem.message)
    return by_template

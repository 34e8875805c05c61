"""Checking templates (`appraisal templates check`): each compiled and rendered with an example context,
every Jinja syntax error and every variable the context does not provide reported."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import jinja2

from pipeline.errors import TemplateError
from pipeline.render.engine import CompiledTemplate
from pipeline.render.sandbox import make_environment
from pipeline.render.templates import TemplateSet


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

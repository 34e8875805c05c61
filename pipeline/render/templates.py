"""Finding templates (the project's own, else the defaults shipped with the package); compiling them
(`render.engine`, loaded when the first is compiled: a run with nothing to render never loads docxtpl
or Jinja, issue 16). Checking them is `render.checking`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import TemplateError

if TYPE_CHECKING:
    from pipeline.render.engine import CompiledTemplate


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

    def compile(self, kinds: Iterable[str], langs: Iterable[str]) -> None:
        """Compile these kinds in these languages now: before a step's workers are forked, so that each
        inherits them compiled (a job made in a worker asks `get` for one already there), and a missing
        or broken template is found here."""
        for lang in sorted(set(langs)):
            for kind in kinds:
                self.get(kind, lang)

    def get(self, kind: str, lang: str) -> CompiledTemplate:
        """The compiled template for a kind and language."""
        known = self.by_kind.get((kind, lang))
        if known is not None:
            return known
        path = self.path(kind, lang)
        template = self.compiled.get(path)
        if template is None:
            from pipeline.render.engine import CompiledTemplate

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

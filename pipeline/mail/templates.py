"""The e-mails' templates: plain text per language that HR can edit, like the documents' templates.

`templates/<language>/<name>.txt` in the project, else the one shipped in `pipeline/default_templates/`.
The first line is the subject (`Subject: ...`), then a blank line, then the body. They are Jinja
templates rendered in a sandbox with the same variables as the matching document (an invitation
e-mail has the invitation letter's); what is typed in the workbook is inserted as text, never
evaluated. The HTML part of the message is made from the body, with every character escaped.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from pipeline.render.checking import TemplateProblem, _recording_undefined
from pipeline.render.engine import TemplateError
from pipeline.render.templates import find_template

EMAIL_TEMPLATES = (
    "invitation_email",
    "cancellation_email",
    "interviewer_email",
    "minutes_email",
    "reminder_email",
)
SUBJECT = "Subject:"


@dataclass(frozen=True)
class EmailTemplate:
    """A compiled e-mail template and where it came from."""

    path: Path
    digest: str  # of its text: part of each message's input hash
    template: jinja2.Template

    def render(self, context: dict[str, object]) -> tuple[str, str]:
        """(subject, body) for a context; TemplateError naming the file when it cannot be rendered."""
        try:
            text = self.template.render(context)
        except jinja2.TemplateError as exc:
            raise TemplateError(f"{self.path}: {exc}") from exc
        first, _, body = text.lstrip("\ufeff").partition("\n")
        if not first.startswith(SUBJECT):
            raise TemplateError(f"{self.path}: the first line must be the subject, as `Subject: ...`")
        return first[len(SUBJECT) :].strip(), body.lstrip("\r\n")


def email_template_path(folder: Path | None, name: str, lang: str, fallback: str = "nb") -> Path:
    """The e-mail template `name` in `lang`, found as the documents' templates are (`find_template`)."""
    return find_template(folder, f"{name}.txt", lang, fallback, f"e-mail template {name}")


def load_email_template(
    path: Path, undefined: type[jinja2.Undefined] = jinja2.StrictUndefined
) -> EmailTemplate:
    """Compile an e-mail template (TemplateError with the line when its syntax is wrong)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path}: cannot be read ({exc})") from exc
    environment = SandboxedEnvironment(undefined=undefined, autoescape=False, keep_trailing_newline=True)
    try:
        template = environment.from_string(text)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{path}: line {exc.lineno}: {exc.message}") from exc
    return EmailTemplate(path, hashlib.sha256(text.encode("utf-8")).hexdigest(), template)


def check_email_templates(
    folder: Path | None, examples: dict[str, dict[str, object]], languages: tuple[str, ...]
) -> tuple[list[Path], list[TemplateProblem]]:
    """Each e-mail template rendered with an example context: its syntax, its subject line and the
    variables the context does not have (as `check_templates` does for the documents)."""
    checked: list[Path] = []
    problems: list[TemplateProblem] = []
    paths = {email_template_path(folder, name, lang): name for name in EMAIL_TEMPLATES for lang in languages}
    for path, name in paths.items():
        checked.append(path)
        seen: list[str] = []
        try:
            load_email_template(path, _recording_undefined(seen)).render(examples[name])
        except TemplateError as exc:
            problems.append(TemplateProblem(path, str(exc).removeprefix(f"{path}: ")))
        problems.extend(TemplateProblem(path, f"unknown variable: {v}") for v in seen)
    return checked, problems

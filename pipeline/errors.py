"""The one exception family for problems that stop a run (data problems are Issues, not exceptions)."""

from __future__ import annotations


class AppraisalError(Exception):
    """A problem that stops the command; its message is shown to the user as `Error: <message>`."""


class WorkbookError(AppraisalError):
    """The round workbook cannot be read at all (missing, not an .xlsx, encrypted, broken)."""


class OutputError(AppraisalError):
    """An output file or folder cannot be written (exists, locked, no permission), or is not there."""


class TemplateError(AppraisalError):
    """A template cannot be read, compiled or rendered; the message names the template."""

"""Every problem code the tool reports, by the stage that reports it.

Codes are stable and kebab-case: scripts may rely on them (`validate --json`, `collect --json`,
`status --json`). The README's table of codes lists every one, and a test checks that it does; a
`Problem` with a code not declared here cannot be made. A code may serve two stages where the problem
is the same (`unknown-employee` in the workbook and on a returned form).
"""

from __future__ import annotations

WORKBOOK_CODES = frozenset(
    (
        "missing-sheet",
        "missing-column",
        "duplicate-sheet",
        "required-value",
        "required-setting",
        "invalid-setting",
        "unknown-setting",
        "duplicate-setting",
        "missing-setting",
        "duplicate-id",
        "id-collision",
        "duplicate-email",
        "invalid-email",
        "unknown-manager",
        "self-manager",
        "manager-cycle",
        "manager-not-active",
        "no-manager",
        "unknown-employee",
        "duplicate-meeting",
        "inactive-employee",
        "unknown-interviewer",
        "self-interview",
        "interviewer-not-active",
        "availability-order",
        "invalid-date",
        "invalid-time",
        "invalid-duration",
        "outside-period",
        "weekend",
        "public-holiday",
        "outside-working-hours",
        "interviewer-overlap",
        "room-overlap",
        "person-overlap",
        "no-meeting",
        "short-notice",
        "invalid-status",
        "invalid-language",
        "invalid-type",
        "invalid-progress",
        "merged-cells",
        "formula-without-value",
        "excel-error",
        "unknown-sheet",
        "unknown-column",
    )
)

# the workbook's shape is wrong (a sheet, a column or a required setting): the commands also name the
# file in an `Error:` line on stderr
SHAPE_CODES = frozenset(("missing-sheet", "missing-column", "duplicate-sheet", "required-setting"))

# returned forms and minutes (`collect`); the outcomes of files first
COLLECT_CODES = frozenset(
    (
        "form-accepted",
        "form-incomplete",
        "form-rejected",
        "form-unchanged",
        "form-duplicate",
        "form-conflict",
        "file-skipped",
        "form-replaced",
        "approval-recorded",
        "file-unsafe-xml",
        "file-damaged",
        "file-unreadable",
        "file-empty",
        "file-too-large",
        "file-encrypted",
        "file-old-word",
        "not-a-word-file",
        "form-in-other-format",
        "file-with-macros",
        "file-unsafe-name",
        "not-a-form",
        "other-round",
        "unknown-employee",
        "inactive-employee",
        "no-meeting",
        "other-interviewer",
        "two-forms-for-one-employee",
        "same-form-twice",
        "required-answer",
        "minutes-not-written",
        "minutes-edited",
        "approval-not-collected",
        "approval-of-earlier-minutes",
        "approval-empty",
        "not-yes-or-no",
        "not-a-date",
        "approximate-date",
        "field-not-found",
        "field-deleted",
        "read-beside-field",
        "not-a-status",
        "row-without-text",
        "empty-answer",
        "held-on-in-future",
        "held-on-outside-period",
        "held-on-far-from-plan",
        "not-a-score",
        "score-without-consent",
    )
)

# the follow-up workbook and the leadership summary (`status`)
STATUS_CODES = frozenset(
    (
        "text-cut",
        "sheet-not-carried-over",
        "value-not-understood",
        "column-made-again",
        "edit-kept-against-source",
        "rows-made-again",
        "rows-not-merged",
        "ledger-damaged",
        "goal-in-workbook-and-minutes",
        "follow-up-state-damaged",
        "follow-up-made-again",
        "sheets-carried-over",
        "sheet-made-again",
        "columns-carried-over",
        "previous-round-unreadable",
        "follow-up-conflict",
        "manager-copy-open",
        "manager-copy-refused",
        "manager-copy-rows-refused",
        "manager-copy-unreadable",
        "not-a-manager-copy",
    )
)

PROBLEM_CODES = WORKBOOK_CODES | COLLECT_CODES | STATUS_CODES

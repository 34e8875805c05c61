"""Checks of the Round sheet beyond its values, which the reader types: what the later steps need."""

from __future__ import annotations

from pipeline.model import WARNING, Problem, phrase
from pipeline.round.checks.context import Context


def check_settings(ctx: Context) -> None:
    """Settings the later steps need: the round's period."""
    settings = ctx.round.settings
    if "round" not in ctx.round.sheets:
        return
    for key in ("period_start", "period_end"):
        if getattr(settings, key) is None and key not in settings.rows:
            ctx.add_problem(
                Problem(
                    WARNING,
                    ctx.sheet_name("round"),
                    None,
                    key,
                    "missing-setting",
                    f"{key} is not set, so meetings are not checked against the round's period.",
                    phrase=phrase("missing-setting", key=key),
                )
            )

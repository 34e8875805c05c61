"""The installation's settings: `appraisal.toml`, what belongs to the installation rather than a round
(SPEC §2): how long personnel copies are kept, and (later) how mail is sent.

The file is looked for in the current folder (the project folder `appraisal init` made, where the
commands are run), unless `APPRAISAL_CONFIG` names another. It is optional: with no file, every setting
has its default, and a command that needs a setting without a default says which and where to put it.

    # appraisal.toml
    retention_years = 5     # personnel copies of the minutes are due for deletion this long after
                            # their round ended, or after the employee left when that was later
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import AppraisalError

CONFIG_FILE = "appraisal.toml"
CONFIG_SETTING = "APPRAISAL_CONFIG"
KNOWN = ("retention_years",)
MAX_RETENTION_YEARS = 100

STARTER = """\
# The installation's settings for `appraisal` (what belongs to the installation, not to a round).
# Lines starting with # are comments; remove the # in front of a setting to use it.

# How long a personnel copy of the minutes (output/personnel/<id>/<round>-minutes.docx) is kept, in
# whole years. It counts from the end of its round, or from the end of the round in which the employee
# is first marked as left, when that is later. `appraisal purge --personnel` deletes the copies past it.
# Datatilsynet asks employers to have deletion routines for personnel files; agree the number with
# whoever owns yours. There is no default: purge --personnel refuses until it is set.
# retention_years = 5
"""


class ConfigError(AppraisalError):
    """`appraisal.toml` cannot be read, or a setting in it is not valid."""


@dataclass(frozen=True)
class Installation:
    """The settings of `appraisal.toml` (`path`: the file they were read from, None when there is none)."""

    path: Path | None = None
    retention_years: int | None = None


def config_path() -> Path:
    """Where the installation's settings are: `APPRAISAL_CONFIG`, else ./appraisal.toml."""
    return Path(os.environ.get(CONFIG_SETTING) or CONFIG_FILE)


def read_installation(path: Path | None = None) -> Installation:
    """The installation's settings from `path` (default: `config_path()`); the defaults when the file
    is not there. Raises ConfigError naming the file and the setting when something is wrong."""
    path = path or config_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Installation()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc}).") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: is not valid TOML ({exc}).") from None
    unknown = sorted(set(data) - set(KNOWN))
    if unknown:
        raise ConfigError(f"{path}: unknown setting {unknown[0]!r}; the settings are: {', '.join(KNOWN)}.")
    years = data.get("retention_years")
    if years is not None and (
        isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= MAX_RETENTION_YEARS
    ):
        raise ConfigError(
            f"{path}: retention_years = {years!r} is not a whole number of years from 1 to {MAX_RETENTION_YEARS}."
        )
    return Installation(path=path, retention_years=years)

"""The installation's settings: `appraisal.toml`, what belongs to the installation rather than a round
(SPEC §2): how long personnel copies are kept, and how e-mail is sent.

The file is looked for in the current folder (the project folder `appraisal init` made, where the
commands are run), unless `APPRAISAL_CONFIG` names another. It is optional: with no file, every setting
has its default, and a command that needs a setting without a default says which and where to put it.

    # appraisal.toml
    retention_years = 5     # personnel copies of the minutes are due for deletion this long after
                            # their round ended, or after the employee left when that was later
    [smtp]                  # how `appraisal send` delivers the outbox
    host = "smtp.example.no"
    port = 587
    security = "starttls"   # starttls | ssl | none
    user = "hr@example.no"
    password_env = "APPRAISAL_SMTP_PASSWORD"   # the variable holding the password: never the password
    from = "hr@example.no"  # the envelope sender (the messages are From the round's HR contact)
    per_minute = 60         # at most this many messages a minute
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import AppraisalError

CONFIG_FILE = "appraisal.toml"
CONFIG_SETTING = "APPRAISAL_CONFIG"
KNOWN = ("retention_years", "smtp")
SMTP_KEYS = ("host", "port", "security", "user", "password_env", "from", "per_minute", "ca_file")
SECURITY = ("starttls", "ssl", "none")
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

# How `appraisal send` delivers the e-mails in the outbox. Until this is set, send only lists them.
# The password is never written here: password_env names the environment variable that holds it.
# [smtp]
# host = "smtp.example.no"
# port = 587
# security = "starttls"       # starttls (port 587), ssl (port 465) or none (a relay inside the network)
# user = "hr@example.no"
# password_env = "APPRAISAL_SMTP_PASSWORD"
# from = "hr@example.no"      # the envelope sender; the messages are From the round's HR contact
# per_minute = 60             # at most this many messages a minute
# ca_file = "/path/to/ca.pem" # only for a server whose certificate your system does not trust
"""


class ConfigError(AppraisalError):
    """`appraisal.toml` cannot be read, or a setting in it is not valid."""


@dataclass(frozen=True)
class Smtp:
    """The `[smtp]` section: where and how `send` delivers."""

    host: str
    port: int
    security: str = "starttls"
    user: str = ""
    password_env: str = ""
    sender: str = ""  # the envelope sender (`from`)
    per_minute: int = 0  # 0: no limit
    ca_file: str = ""

    def password(self) -> str:
        """The password from the environment variable `password_env` ("" without one)."""
        if not self.password_env:
            return ""
        value = os.environ.get(self.password_env)
        if value is None:
            raise ConfigError(
                f"[smtp] password_env = {self.password_env!r}: that environment variable is not set; set it to "
                "the SMTP password before sending."
            )
        return value


@dataclass(frozen=True)
class Installation:
    """The settings of `appraisal.toml` (`path`: the file they were read from, None when there is none)."""

    path: Path | None = None
    retention_years: int | None = None
    smtp: Smtp | None = None


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
    return Installation(path=path, retention_years=years, smtp=_smtp(path, data.get("smtp")))


def _smtp(path: Path, section: object) -> Smtp | None:
    """The `[smtp]` section, checked key by key; None when there is none."""
    if section is None:
        return None
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: smtp must be a section, [smtp], with its keys on the lines below it.")
    unknown = sorted(set(section) - set(SMTP_KEYS))
    if unknown:
        raise ConfigError(
            f"{path}: [smtp] has no setting {unknown[0]!r}; the settings are: {', '.join(SMTP_KEYS)}."
        )
    texts = {k: section.get(k, "") for k in ("host", "security", "user", "password_env", "from", "ca_file")}
    for key, value in texts.items():
        if not isinstance(value, str):
            raise ConfigError(f"{path}: [smtp] {key} = {value!r} must be text, in quotes.")
    if not texts["host"]:
        raise ConfigError(f'{path}: [smtp] needs host = "..." (the SMTP server\'s name).')
    security = texts["security"] or "starttls"
    if security not in SECURITY:
        raise ConfigError(f"{path}: [smtp] security = {security!r}: use one of {', '.join(SECURITY)}.")
    numbers = {
        "port": section.get("port", 465 if security == "ssl" else 587),
        "per_minute": section.get("per_minute", 0),
    }
    for key, value in numbers.items():
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or value < 0
            or (key == "port" and not 0 < value < 65536)
        ):
            raise ConfigError(f"{path}: [smtp] {key} = {value!r} is not a valid whole number.")
    return Smtp(
        host=texts["host"], port=numbers["port"], security=security, user=texts["user"],
        password_env=texts["password_env"], sender=texts["from"], per_minute=numbers["per_minute"],
        ca_file=texts["ca_file"],
    )  # fmt: skip

"""`appraisal send`: the round's outbox delivered over SMTP, each version of a message to each recipient
once.

What "once" can promise. Each message is sent in its own SMTP transaction, and what became of it is
recorded in the state database (`deliveries`) the moment the server answers. Its whole text goes to
the server first; only then is the message marked `sending` (one committed transaction), and only then
is the line that ends it sent, and the server's answer read and recorded (`sent`, or `failed` with the
server's words). So:
* a run killed before the mark leaves a message the server never saw whole: it discards it, and the
  next run sends it;
* a run killed after the server's answer was recorded: the next run knows, and skips it;
* a run killed between the mark and the record (while the server decides, usually a fraction of a
  second): the server may or may not have accepted it, and nothing on this side can tell. The next run
  does not send it again (nothing is sent twice) but lists it as `uncertain`; HR asks the recipient, and
  `send --resend-uncertain` sends those again. This window is as small as SMTP allows: it opens after
  the last byte of the message but for its end.

A temporary refusal or a lost connection stops the run with the rest still queued: run it again. A
permanent refusal (5xx) of a recipient marks that message `failed` with the server's words, and the run
goes on. `--to-self ADDRESS` sends everything to one address for a rehearsal, recorded as rehearsed,
not as delivered. A draft's `X-Unsent` header is taken off and a `Date` put on as it is sent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import re
import smtplib
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from pathlib import Path

from pipeline.errors import AppraisalError
from pipeline.followup.sources import REFUSED
from pipeline.install import Smtp
from pipeline.mail.outbox import OUTBOX
from pipeline.store import layout
from pipeline.store.folder import RoundOutput
from pipeline.store.state import State

SENDING, SENT, REHEARSED, REHEARSING = "sending", "sent", "rehearsed", "rehearsing"
FAILED = REFUSED  # refused for good: the follow-up shows the server's words
QUEUED = "queued"  # answered "not now" (4xx): to be sent again
NEW_VERSION = " (new)"  # a draft HR edited keeps its name; the tool's new version went beside it


class SendError(AppraisalError):
    """Sending stopped: the server cannot be reached, refused the login, or failed mid-batch."""


@dataclass
class Message:
    """One .eml of the outbox: where it is, its Message-ID, to whom, and about what."""

    path: Path
    message_id: str
    recipients: list[str]
    subject: str
    status: str = ""  # what became of it for its recipient(s) so far: "" (queued), sent, failed, ...
    detail: str = ""


@dataclass
class SendResult:
    """What a run of `send` found and did."""

    queued: list[Message] = field(default_factory=list)
    sent: list[Message] = field(default_factory=list)
    failed: list[Message] = field(default_factory=list)
    uncertain: list[Message] = field(default_factory=list)
    already: int = 0  # sent by an earlier run
    edited_beside: list[Path] = field(default_factory=list)  # the tool's new versions of drafts HR edited
    unreadable: list[tuple[Path, str]] = field(default_factory=list)  # not sent, and why: the rest go on


def outbox_messages(
    output: Path, round_id: str, to_self: str | None = None
) -> tuple[list[Message], SendResult]:
    """The round's outbox with what became of each message so far (the rehearsal's record, with
    `to_self`), and the result of looking: queued, uncertain, already sent."""
    root = layout.round_folder(output, round_id)
    records = State(output).deliveries(round_id)
    result = SendResult()
    messages = []
    # in the order they were queued: an invitation goes before the cancellation of the same meeting
    for path in sorted((root / OUTBOX).rglob("*.eml"), key=_queued_order):
        if path.stem.endswith(NEW_VERSION):
            result.edited_beside.append(path)
            continue
        try:
            message = _read_message(path)
        except AppraisalError as exc:  # one damaged file never stops the others
            result.unreadable.append((path, str(exc).removeprefix(f"{path}: ")))
            continue
        recipients = [to_self] if to_self else message.recipients
        states = [records.get((message.message_id, r)) for r in recipients]
        done = [s for s in states if s is not None]
        wanted = (REHEARSED,) if to_self else (SENT, FAILED)
        if done and len(done) == len(states) and all(s[0] in wanted for s in done):
            result.already += 1
            message.status, message.detail = done[0][0], done[0][2]
            if message.status == FAILED:
                result.failed.append(message)
            continue
        if any(s[0] == (REHEARSING if to_self else SENDING) for s in done):
            message.status = SENDING
            result.uncertain.append(message)
            continue
        messages.append(message)
    result.queued = messages
    return messages, result


def _queued_order(path: Path) -> tuple[int, str]:
    try:
        return path.stat().st_mtime_ns, str(path)
    except OSError:
        return 0, str(path)


def _read_message(path: Path) -> Message:
    try:
        with path.open("rb") as handle:
            headers = BytesHeaderParser(policy=default_policy).parse(handle)
    except OSError as exc:
        raise AppraisalError(f"{path}: cannot be read ({exc.strerror}).") from None
    message_id = str(headers.get("Message-ID") or "").strip()
    addresses = [a for _, a in email.utils.getaddresses([str(v) for v in headers.get_all("To", [])]) if a]
    if not message_id or not addresses:
        raise AppraisalError(f"{path}: not an e-mail the tool queued (it has no Message-ID or no To).")
    return Message(path, message_id, addresses, str(headers.get("Subject") or ""))


def send_outbox(
    output: Path,
    round_id: str,
    smtp: Smtp,
    *,
    to_self: str | None = None,
    resend_uncertain: bool = False,
    on_sent: Callable[[Message], None] | None = None,
) -> SendResult:
    """Send every queued message of the round's outbox (and, with `resend_uncertain`, those a killed
    run left uncertain), under the round's lock: two sends at once never send one message twice."""
    with RoundOutput(output, round_id).hold():
        queued, result = outbox_messages(output, round_id, to_self)
        if resend_uncertain:
            queued, result.uncertain = queued + result.uncertain, []
        if not queued:
            return result
        state = State(output)
        sending = REHEARSING if to_self else SENDING
        done = REHEARSED if to_self else SENT
        with _connection(smtp) as connection:
            for number, message in enumerate(queued):
                if number and smtp.per_minute:
                    time.sleep(60 / smtp.per_minute)
                data = _as_sent(message.path.read_bytes())
                for recipient in [to_self] if to_self else message.recipients:

                    def mark(recipient: str = recipient, message_id: str = message.message_id) -> None:
                        state.put_delivery(round_id, message_id, recipient, sending, _now())

                    code, reply = _transaction(connection, smtp.sender or smtp.user, recipient, data, mark)
                    words = f"{code} {reply}"
                    # accepted; refused for good (5xx); or "not now": this and the rest stay queued
                    status = done if code in (250, 251) else FAILED if 500 <= code < 600 else QUEUED
                    state.put_delivery(round_id, message.message_id, recipient, status, _now(), words)
                    if status == FAILED:
                        message.status, message.detail = FAILED, words
                    elif status == QUEUED:
                        raise SendError(
                            f"the server answered {words} for {message.path.name}; sending stopped with "
                            f"{len(result.sent)} sent. Run `appraisal send --yes` again to go on."
                        )
                if message.status == FAILED:
                    result.failed.append(message)
                else:
                    message.status = done
                    result.sent.append(message)
                    if on_sent is not None:
                        on_sent(message)
    return result


def _transaction(
    connection: smtplib.SMTP, sender: str, recipient: str, data: bytes, mark: Callable[[], None]
) -> tuple[int, str]:
    """One message to one recipient, marked just before the line that ends it (see the module's
    docstring); the server's answer (code, words). A reset after a refusal leaves the session usable."""
    connection.ehlo_or_helo_if_needed()
    code, reply = connection.mail(sender)
    if code != 250:  # the sender refused: the server's or the settings' problem, not this message's
        raise SendError(
            f"the server refused the sender {sender!r} ({code} {reply.decode('utf-8', 'replace')}); check "
            "[smtp] from. What was not sent stays queued."
        )
    code, reply = connection.rcpt(recipient)
    if code not in (250, 251):
        connection.rset()
        return code, reply.decode("utf-8", "replace")
    code, reply = connection.docmd("DATA")
    if code != 354:
        connection.rset()
        return code, reply.decode("utf-8", "replace")
    connection.send(re.sub(rb"(?m)^\.", b"..", data))  # a line starting with "." is doubled (RFC 5321)
    mark()
    connection.send(b".\r\n")
    code, reply = connection.getreply()
    return code, reply.decode("utf-8", "replace")


def _as_sent(data: bytes) -> bytes:
    """The draft's bytes as sent: without `X-Unsent`, with a `Date`, ending in a line break (CRLF)."""
    head, separator, body = data.partition(b"\r\n\r\n")
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"x-unsent:")]
    lines.insert(0, b"Date: " + email.utils.format_datetime(dt.datetime.now(dt.UTC)).encode())
    text = b"\r\n".join(lines) + separator + body
    return text if text.endswith(b"\r\n") else text + b"\r\n"


@contextlib.contextmanager
def _connection(smtp: Smtp) -> Iterator[smtplib.SMTP]:
    """An SMTP session as `smtp` says (TLS, login), closed when done; SendError when it cannot be had."""
    context = ssl.create_default_context(cafile=smtp.ca_file or None)
    try:
        if smtp.security == "ssl":
            connection: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=60, context=context)
        else:
            connection = smtplib.SMTP(smtp.host, smtp.port, timeout=60)
            if smtp.security == "starttls":
                connection.starttls(context=context)
        if smtp.user:
            connection.login(smtp.user, smtp.password())
    except smtplib.SMTPAuthenticationError as exc:
        raise SendError(
            f"{smtp.host}: the server refused the login of {smtp.user!r} ({exc.smtp_code} "
            f"{exc.smtp_error.decode('utf-8', 'replace')}); nothing was sent. Check user and password_env."
        ) from None
    except (OSError, smtplib.SMTPException, ssl.SSLError) as exc:
        raise SendError(
            f"{smtp.host}:{smtp.port}: cannot connect to send ({exc}); nothing was sent."
        ) from None
    try:
        yield connection
    except (OSError, smtplib.SMTPException) as exc:
        raise SendError(
            f"{smtp.host}: the connection was lost while sending ({exc}); what was not sent stays queued. "
            "Run `appraisal send --yes` again to go on."
        ) from None
    finally:
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")

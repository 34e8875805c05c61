"""One e-mail as the outbox keeps it: RFC 5322, UTF-8, plain text and HTML, attachments, and for an
invitation the calendar part Outlook and Google show as a meeting with accept and decline.

Everything here is pure: the same inputs give the same bytes (the MIME boundaries and the Message-ID are
derived from the content), so that the ledger sees an unchanged message and `send` sends each version
of a message to each recipient once. A draft carries `X-Unsent: 1` (Outlook opens it ready to send) and
no Date: `send` adds the Date when it sends.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP

DOMAIN = "appraisal"


@dataclass(frozen=True)
class Attachment:
    """A file to attach: its name as the recipient sees it, its bytes and its MIME type."""

    filename: str
    data: bytes
    maintype: str = "application"
    subtype: str = "octet-stream"


@dataclass(frozen=True)
class Draft:
    """What an e-mail says, to whom, from whom."""

    sender: tuple[str, str]  # (name, address): the round's HR contact
    recipient: tuple[str, str]
    reply_to: tuple[str, str] | None
    subject: str
    body: str  # plain text; the HTML part is made from it
    language: str
    calendar: bytes | None = None  # an iTIP REQUEST (shown as a meeting invitation) or CANCEL
    calendar_method: str = "REQUEST"
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)
    reference: str = ""  # what the message is about (round, kind, person): part of its Message-ID


def one_line(text: str) -> str:
    """Header text on one line: a subject typed with line breaks would end the header (header injection)."""
    return " ".join(str(text).split())


def html_body(text: str, language: str) -> str:
    """The plain text as simple HTML: every character escaped, paragraphs at blank lines, line breaks kept."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    inner = "\n".join("<p>" + html.escape(p).replace("\n", "<br>\n") + "</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(language)}"><head><meta charset="utf-8"></head>\n'
        f'<body style="font-family: Calibri, Carlito, Arial, sans-serif; font-size: 11pt">\n{inner}\n</body></html>\n'
    )


def build_message(draft: Draft) -> bytes:
    """The draft as the bytes of an .eml file (CRLF line ends, as SMTP sends them)."""
    message = EmailMessage(policy=SMTP)
    message["From"] = _address(draft.sender)
    message["To"] = _address(draft.recipient)
    if draft.reply_to and draft.reply_to[1]:
        message["Reply-To"] = _address(draft.reply_to)
    message["Subject"] = one_line(draft.subject)
    message["Content-Language"] = draft.language
    message["X-Unsent"] = "1"
    message.set_content(draft.body, charset="utf-8")
    message.add_alternative(html_body(draft.body, draft.language), subtype="html", charset="utf-8")
    if draft.calendar is not None:  # the third alternative: what calendar programs show as a meeting
        message.add_alternative(
            draft.calendar.decode("utf-8"), subtype="calendar", charset="utf-8", cte="quoted-printable",
            params={"method": draft.calendar_method},
        )  # fmt: skip
    for attachment in draft.attachments:
        message.add_attachment(
            attachment.data,
            maintype=attachment.maintype,
            subtype=attachment.subtype,
            filename=attachment.filename,
        )
    seed = draft_seed(draft)
    for number, part in enumerate(message.walk()):
        if part.is_multipart():
            part.set_boundary(f"=_appraisal_{seed[:24]}_{number}")
    message["Message-ID"] = f"<{seed[:32]}@{DOMAIN}>"
    return bytes(message)


def _address(person: tuple[str, str]) -> Address:
    name, address = person
    local, _, domain = address.partition("@")
    return Address(display_name=one_line(name), username=local, domain=domain)


def draft_seed(draft: Draft) -> str:
    """A hash of everything the message holds: its boundaries and Message-ID come from it."""
    digest = hashlib.sha256()
    for piece in (*draft.sender, *draft.recipient, *(draft.reply_to or ("", "")), draft.subject, draft.body,
                  draft.language, draft.reference, draft.calendar_method):  # fmt: skip
        digest.update(piece.encode("utf-8") + b"\0")
    digest.update(draft.calendar or b"")
    for attachment in draft.attachments:
        digest.update(attachment.filename.encode("utf-8") + b"\0" + hashlib.sha256(attachment.data).digest())
    return digest.hexdigest()

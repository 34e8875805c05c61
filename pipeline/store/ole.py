"""Telling apart the OLE (Compound File) containers people send instead of Office Open XML files."""

from __future__ import annotations

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")


def is_ole(head: bytes) -> bool:
    """True for an OLE container: an old .xls/.doc, or a password-protected .xlsx/.docx."""
    return head.startswith(OLE_MAGIC)


def is_encrypted_ooxml(data: bytes) -> bool:
    """An OLE container holding an `EncryptionInfo` stream is a password-protected .xlsx or .docx
    (Office encrypts the whole package into such a container)."""
    return _ENCRYPTION_STREAM in data

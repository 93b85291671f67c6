"""Issued letters' PDF files, in the commission's content-addressed file store (letters/)."""

from __future__ import annotations

import hashlib

from sqlalchemy.orm import Session

from commission.files import FileStore


class StoredLetterDamaged(RuntimeError):
    """An issued letter's file is missing or no longer matches its recorded hash."""


class LetterStore(FileStore):
    """Files under QAYD_DATA_DIR/letters/ab/cd/<sha256>."""

    subdirectory = "letters"

    def put_pdf(self, session: Session, data: bytes) -> str:
        """Store the bytes as part of `session`'s transaction and return their SHA-256."""
        return self.put_bytes(session, data)

    def read_checked(self, sha256: str) -> bytes:
        """The stored bytes, exactly as issued; never anything else under their name."""
        path = self.path_for(sha256)
        try:
            data = self.read(sha256)
        except FileNotFoundError:
            raise StoredLetterDamaged(f"{path} is missing") from None
        if hashlib.sha256(data).hexdigest() != sha256:
            raise StoredLetterDamaged(f"{path} does not match its SHA-256")
        return data

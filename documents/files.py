"""Issued letters' PDF files, stored like evidence: content-addressed, undone on rollback."""

from __future__ import annotations

import hashlib

from sqlalchemy.orm import Session

from claims.files import CheckedUpload, EvidenceStore


class StoredLetterDamaged(RuntimeError):
    """An issued letter's file is missing or no longer matches its recorded hash."""


class LetterStore(EvidenceStore):
    """Files under QAYD_DATA_DIR/letters/ab/cd/<sha256>."""

    subdirectory = "letters"

    def put_pdf(self, session: Session, data: bytes) -> str:
        """Store the bytes (unless already stored) and return their SHA-256."""
        sha256 = hashlib.sha256(data).hexdigest()
        self.put(
            session,
            CheckedUpload(
                data=data,
                sha256=sha256,
                media_type="application/pdf",
                size_bytes=len(data),
                display_name="letter.pdf",
            ),
        )
        return sha256

    def read_checked(self, sha256: str) -> bytes:
        """The stored bytes, exactly as issued; never anything else under their name."""
        path = self.path_for(sha256)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise StoredLetterDamaged(f"{path} is missing") from None
        if hashlib.sha256(data).hexdigest() != sha256:
            raise StoredLetterDamaged(f"{path} does not match its SHA-256")
        return data

"""Evidence files: checked by content, stored content-addressed, undone on rollback.

Files live under QAYD_DATA_DIR/evidence/ab/cd/<sha256>, outside the database and outside
`static/`; the uploader's file name is never part of the path. A file first written by
a transaction that then rolls back is removed again, so a failed registration leaves
no orphan; a file that already existed (the same scan on another claim) is kept.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import tempfile
from pathlib import Path

from PIL import Image
from sqlalchemy import event
from sqlalchemy.orm import Session

from commission.refusals import N_, Refusal, RefusalKind

#: Media types accepted, recognised by their first bytes.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)

#: The extension a download gets for each media type the upload check accepts.
EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/tiff": ".tif",
}

_NEW_FILES_KEY = "qayd_new_files"


class UploadRefused(Refusal, ValueError):
    kind = RefusalKind.INPUT


@dataclasses.dataclass(frozen=True)
class CheckedUpload:
    data: bytes
    sha256: str
    media_type: str
    size_bytes: int
    display_name: str


def display_name(filename: str | None) -> str:
    """The uploader's file name as safe display text (Arabic kept, paths dropped)."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(char for char in name if char.isprintable()).strip()
    return name[:255] or "upload"


def download_name(original: str, media_type: str) -> str:
    """The uploader's name with the extension of what the file is, so a PDF uploaded
    as "poly.html" is saved as "poly.pdf" and never opened as a web page."""
    stem = original.rsplit(".", 1)[0] if "." in original.lstrip(".") else original
    return (stem or "evidence") + EXTENSIONS.get(media_type, ".bin")


def sniff_media_type(data: bytes) -> str | None:
    for signature, media_type in SIGNATURES:
        if data.startswith(signature):
            return media_type
    return None


def check_upload(data: bytes, filename: str | None, *, max_bytes: int) -> CheckedUpload:
    """Refuse what is too large, of a type not allowed, or malformed; say why."""
    if len(data) == 0:
        raise UploadRefused(N_("The file is empty."))
    if len(data) > max_bytes:
        raise UploadRefused(N_("The file is larger than %(mb)d MB."), mb=max_bytes // (1024 * 1024))
    media_type = sniff_media_type(data)
    if media_type is None:
        raise UploadRefused(N_("Only PDF, JPEG, PNG and TIFF files are accepted."))
    if media_type == "application/pdf":
        if b"%%EOF" not in data[-2048:]:
            raise UploadRefused(N_("The PDF file is damaged or incomplete."))
    else:
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
        except Exception:  # Pillow raises many types for broken images
            raise UploadRefused(N_("The image file is damaged or incomplete.")) from None
    return CheckedUpload(
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        media_type=media_type,
        size_bytes=len(data),
        display_name=display_name(filename),
    )


class EvidenceStore:
    #: The directory under QAYD_DATA_DIR; issued letters use the same scheme in their own.
    subdirectory = "evidence"

    def __init__(self, data_dir: str | os.PathLike):
        self.root = Path(data_dir).resolve() / self.subdirectory

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(char not in "0123456789abcdef" for char in sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, session: Session, upload: CheckedUpload) -> Path:
        """Write the bytes (atomically) unless already stored; remember new files so a
        rollback of `session` removes them."""
        path = self.path_for(upload.sha256)
        if path.exists():
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(upload.data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        session.info.setdefault(_NEW_FILES_KEY, []).append(path)
        return path

    def read(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()


def install_file_cleanup(session_class) -> None:
    """Files written in a transaction go with it if it rolls back (once per process)."""

    @event.listens_for(session_class, "after_commit")
    def _keep_new_files(session: Session) -> None:
        session.info.pop(_NEW_FILES_KEY, None)

    @event.listens_for(session_class, "after_rollback")
    def _remove_new_files(session: Session) -> None:
        for path in session.info.pop(_NEW_FILES_KEY, []):
            path.unlink(missing_ok=True)

"""Evidence files: checked by content before anything is stored, then kept in the
commission's content-addressed file store (`commission.files`) under evidence/.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io

from PIL import Image
from sqlalchemy.orm import Session

from commission.files import FileStore
from commission.refusals import N_, Refusal, RefusalKind

#: Media types accepted, recognised by their first bytes.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)


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


class EvidenceStore(FileStore):
    """Evidence scans under QAYD_DATA_DIR/evidence/ab/cd/<sha256>."""

    subdirectory = "evidence"

    def put(self, session: Session, upload: CheckedUpload) -> None:
        """Store a checked upload as part of `session`'s transaction (see commission.files)."""
        self.put_bytes(session, upload.data)

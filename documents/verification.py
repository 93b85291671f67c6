"""Verification codes: a short, typable digest of everything a letter says.

The code is the SHA-256 of the letter's canonical JSON (every field, the letter
kind and whether it is a training letter), its first 80 bits written in Crockford
base32 as four groups of four: `7KQ2-M9XD-P4RT-WZ3H`. A training letter's code
carries the prefix `T-`, so `/verify` can say so without a look-up, and because the
flag is hashed too, no operational code is ever the same as a training one.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
from datetime import date, datetime
from decimal import Decimal

from documents.letters import LetterContent

TRAINING_PREFIX = "T-"
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: Characters people mistype for others of the alphabet (Crockford's rules).
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_CODE_BITS = 80


def letter_canonical_json(letter: LetterContent, *, training: bool) -> str:
    """The letter's content as JSON with sorted keys: the text that is hashed."""
    content = {"kind": letter.kind.value, "training": training, "letter": _plain(letter)}
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _plain(value):
    if dataclasses.is_dataclass(value):
        return {
            field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)
        }
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def verification_code(letter: LetterContent, *, training: bool) -> str:
    """The code printed on `letter`: `XXXX-XXXX-XXXX-XXXX`, with `T-` for training."""
    digest = hashlib.sha256(letter_canonical_json(letter, training=training).encode()).digest()
    number = int.from_bytes(digest[: _CODE_BITS // 8], "big")
    symbols = "".join(_ALPHABET[(number >> shift) & 31] for shift in range(_CODE_BITS - 5, -1, -5))
    code = "-".join(symbols[i : i + 4] for i in range(0, len(symbols), 4))
    return TRAINING_PREFIX + code if training else code


def normalise_code(text: str) -> str | None:
    """A code as someone typed it (any case, spaces or no dashes, O for 0) in its
    printed form, or None if it cannot be one."""
    compact = "".join(text.upper().split()).replace("-", "")
    training = compact.startswith("T") and len(compact) == _CODE_BITS // 5 + 1
    symbols = (compact[1:] if training else compact).translate(_LOOK_ALIKES)
    if len(symbols) != _CODE_BITS // 5 or any(symbol not in _ALPHABET for symbol in symbols):
        return None
    code = "-".join(symbols[i : i + 4] for i in range(0, len(symbols), 4))
    return TRAINING_PREFIX + code if training else code


def is_training_code(code: str) -> bool:
    return code.startswith(TRAINING_PREFIX)


def verify_url(base_url: str, code: str) -> str:
    """Where the QR code points: `base_url` is the app's /verify/ address."""
    return f"{base_url.rstrip('/')}/{code}"

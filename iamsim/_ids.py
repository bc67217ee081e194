"""Identifiers AWS generates: unique IDs (AIDA…, AROA…), organization, root, OU and policy IDs.

They are derived deterministically from what they identify, so a world built twice gets the same
IDs. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
"""

from __future__ import annotations

import hashlib

__all__ = ["digest", "unique_id"]

_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_LOWER = "abcdefghijklmnopqrstuvwxyz0123456789"


def digest(seed: str, length: int, alphabet: str = _LOWER) -> str:
    """``length`` characters of ``alphabet`` derived from ``seed``."""
    raw = hashlib.sha256(seed.encode("utf-8")).digest()
    number = int.from_bytes(raw, "big")
    out = []
    for _ in range(length):
        number, index = divmod(number, len(alphabet))
        out.append(alphabet[index])
    return "".join(out)


def unique_id(prefix: str, seed: str) -> str:
    """An IAM unique ID such as ``AIDA`` + 17 characters (users), ``AROA`` (roles)."""
    return prefix + digest(seed, 17, _UPPER)

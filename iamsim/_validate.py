"""Checks on the names, paths, tags and numbers IAM accepts, each raising a typed error.

https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from iamsim.arn import is_account_id
from iamsim.errors import ValidationError

__all__ = ["check_account_id", "check_name", "check_path", "check_tags"]

_NAME = re.compile(r"[\w+=,.@-]+")
_PATH = re.compile(r"/|/[\u0021-\u007e]*/")
_NAME_LIMITS = {"user": 64, "role": 64, "group": 128, "policy": 128, "alias": 63}


def check_name(kind: str, name: Any) -> str:
    """An IAM entity name: up to 64 (users, roles) or 128 (groups, policies) of ``[\\w+=,.@-]``."""
    limit = _NAME_LIMITS[kind]
    if not isinstance(name, str) or not _NAME.fullmatch(name) or len(name) > limit:
        raise ValidationError(
            f"`{name}` is not a valid {kind} name: use 1 to {limit} letters, digits and +=,.@_-"
        )
    return name


def check_path(path: Any) -> str:
    """An IAM path: ``/`` or ``/division/team/``, at most 512 characters."""
    if not isinstance(path, str) or not _PATH.fullmatch(path) or len(path) > 512:
        raise ValidationError(
            f"`{path}` is not a valid path: it must begin and end with / (for example /ops/)"
        )
    return path


def check_tags(tags: Mapping[str, Any] | None) -> dict[str, str]:
    """At most 50 tags; keys of 1 to 128 characters, values up to 256; keys unique ignoring case."""
    if tags is None:
        return {}
    if not isinstance(tags, Mapping):
        raise ValidationError(f"tags must be a mapping of key to value, not {type(tags).__name__}")
    if len(tags) > 50:
        raise ValidationError(f"{len(tags)} tags: at most 50 are allowed")
    seen: set[str] = set()
    out: dict[str, str] = {}
    for key, value in tags.items():
        if not isinstance(key, str) or not 1 <= len(key) <= 128:
            raise ValidationError(f"tag key `{key}` must be 1 to 128 characters")
        if not isinstance(value, str) or len(value) > 256:
            raise ValidationError(
                f"tag `{key}`: the value must be a string of at most 256 characters"
            )
        if key.lower() in seen:
            raise ValidationError(f"tag key `{key}` is given twice (tag keys ignore case)")
        seen.add(key.lower())
        out[key] = value
    return out


def check_account_id(account_id: Any) -> str:
    """A 12-digit account ID."""
    if not isinstance(account_id, str) or not is_account_id(account_id):
        raise ValidationError(f"`{account_id}` is not an account ID: use 12 digits")
    return account_id

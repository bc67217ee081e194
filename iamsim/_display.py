"""Small HTML views of world handles for notebooks (escaped, dependency-free)."""

from __future__ import annotations

import html
from typing import Any

__all__ = ["entity_html"]

_FIELDS = ("id", "arn", "name", "path", "alias", "tags", "mfa_serial", "max_session_duration")


def entity_html(entity: Any) -> str:
    """A two-column table of the handle's main attributes."""
    rows = []
    for field in _FIELDS:
        try:
            value = getattr(entity, field)
        except (AttributeError, LookupError):
            continue
        if value is None or value == {}:
            continue
        shown = dict(value) if field == "tags" else value
        rows.append(
            f"<tr><th style='text-align:left'>{html.escape(field)}</th>"
            f"<td><code>{html.escape(str(shown))}</code></td></tr>"
        )
    title = html.escape(type(entity).__name__)
    return f"<div><strong>{title}</strong><table>{''.join(rows)}</table></div>"

"""``world.events``: a CloudTrail-style record of every AssumeRole, GetSessionToken, console
sign-in, SwitchRole and ExitRole, in call order, as the caller's account sees it.

https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, overload

__all__ = ["EventLog"]


def _frozen(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


class EventLog(Sequence[Mapping[str, Any]]):
    """The world's audit trail: a read-only sequence of CloudTrail-shaped records."""

    def __init__(self) -> None:
        self._events: list[Mapping[str, Any]] = []

    def _record(self, event: Mapping[str, Any]) -> Mapping[str, Any]:
        frozen: Mapping[str, Any] = _frozen(event)
        self._events.append(frozen)
        return frozen

    @overload
    def __getitem__(self, index: int) -> Mapping[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Mapping[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> Mapping[str, Any] | Sequence[Mapping[str, Any]]:
        return self._events[index]

    def __len__(self) -> int:
        return len(self._events)

    def __iter__(self) -> Iterator[Mapping[str, Any]]:
        return iter(self._events)

    def filter(
        self,
        *,
        event_name: str | None = None,
        arn: str | None = None,
        account_id: str | None = None,
        error_code: str | None = None,
        succeeded: bool | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Mapping[str, Any]]:
        """Records matching every given criterion (``arn`` is the caller's ``userIdentity.arn``)."""
        out = []
        for event in self._events:
            identity = event.get("userIdentity", {})
            if event_name is not None and event["eventName"] != event_name:
                continue
            if arn is not None and identity.get("arn") != arn:
                continue
            if account_id is not None and event.get("recipientAccountId") != account_id:
                continue
            if error_code is not None and event.get("errorCode") != error_code:
                continue
            if succeeded is not None and ("errorCode" not in event) != succeeded:
                continue
            moment = datetime.fromisoformat(event["eventTime"].replace("Z", "+00:00"))
            if since is not None and moment < since:
                continue
            if until is not None and moment > until:
                continue
            out.append(event)
        return out

    def to_jsonl(self, path: str | Path | None = None) -> str:
        """The records as JSON lines (written to ``path`` when given)."""
        text = "".join(json.dumps(_plain(e), sort_keys=True) + "\n" for e in self._events)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def __repr__(self) -> str:
        return f"<EventLog {len(self._events)} events>"

    def _repr_html_(self) -> str:
        from iamsim._display import events_html

        return events_html(self._events)

    def _repr_markdown_(self) -> str:
        from iamsim._display import events_markdown

        return events_markdown(self._events)

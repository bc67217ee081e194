"""Notebook views: HTML (and Markdown) tables for worlds, entities, sessions, policies and the
audit trail. Everything shown is escaped; nothing here is imported until a notebook asks."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "entity_html",
    "entity_markdown",
    "events_html",
    "events_markdown",
    "policy_html",
    "world_html",
    "world_markdown",
]

_FIELDS = (
    "id",
    "arn",
    "name",
    "path",
    "alias",
    "assumed_role_id",
    "session_name",
    "tags",
    "mfa_serial",
    "max_session_duration",
    "source_identity",
    "expiration",
    "expired",
)
_STYLE = "border-collapse:collapse;font-family:monospace;font-size:90%"


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _fields(entity: Any) -> list[tuple[str, str]]:
    rows = []
    for field in _FIELDS:
        try:
            value = getattr(entity, field)
        except (AttributeError, LookupError):
            continue
        if value is None or (isinstance(value, Mapping) and not value):
            continue
        shown = json.dumps(dict(value)) if isinstance(value, Mapping) else str(value)
        rows.append((field, shown))
    return rows


def _table(rows: Iterable[tuple[str, str]], head: tuple[str, str] | None = None) -> str:
    header = f"<tr><th>{_e(head[0])}</th><th>{_e(head[1])}</th></tr>" if head else ""
    body = "".join(
        f"<tr><th style='text-align:left;padding-right:1em'>{_e(k)}</th><td>{_e(v)}</td></tr>"
        for k, v in rows
    )
    return f"<table style='{_STYLE}'>{header}{body}</table>"


def entity_html(entity: Any) -> str:
    """A two-column table of a handle's (or session's) main attributes."""
    title = _e(type(entity).__name__)
    return f"<div><strong>{title}</strong>{_table(_fields(entity))}</div>"


def entity_markdown(entity: Any) -> str:
    """The same as Markdown."""
    lines = [f"**{type(entity).__name__}**", "", "| field | value |", "| --- | --- |"]
    lines += ["| " + k + " | `" + v.replace("|", "\\|") + "` |" for k, v in _fields(entity)]
    return "\n".join(lines)


def policy_html(policy: Any) -> str:
    """A policy as a table of its statements."""
    rows = []
    for index, statement in enumerate(policy.statements):
        doc = statement.to_json()
        effect = doc.pop("Effect")
        colour = "#1a7f37" if effect == "Allow" else "#cf222e"
        rows.append(
            f"<tr><td>{index}</td><td>{_e(doc.pop('Sid', ''))}</td>"
            f"<td style='color:{colour}'>{_e(effect)}</td>"
            f"<td><pre style='margin:0'>{_e(json.dumps(doc, indent=1))}</pre></td></tr>"
        )
    version = _e(policy.version or "(none)")
    return (
        f"<div><strong>Policy</strong> Version {version}<table style='{_STYLE}'>"
        "<tr><th>#</th><th>Sid</th><th>Effect</th><th>elements</th></tr>"
        f"{''.join(rows)}</table></div>"
    )


def world_html(world: Any) -> str:
    """A world: its accounts with their counts of users, groups, roles and resources."""
    rows = []
    for account in world.accounts:
        state = world._account_state(account.id)
        parent = account.parent
        rows.append(
            f"<tr><td>{_e(account.id)}</td><td>{_e(account.alias or '')}</td>"
            f"<td>{_e(parent.name if parent is not None else '(outside)')}</td>"
            f"<td>{len(state.users)}</td><td>{len(state.groups)}</td><td>{len(state.roles)}</td>"
            f"<td>{len(state.resources)}</td></tr>"
        )
    org = world.organization
    head = f"organization {_e(org.id)}, " if org is not None else ""
    return (
        f"<div><strong>World</strong> {head}now {_e(world.now.isoformat())}, "
        f"{len(world.events)} events<table style='{_STYLE}'><tr><th>account</th><th>alias</th>"
        "<th>OU</th><th>users</th><th>groups</th><th>roles</th><th>resources</th></tr>"
        f"{''.join(rows)}</table></div>"
    )


def events_html(events: Iterable[Mapping[str, Any]]) -> str:
    """The audit trail as a table, failures in red."""
    rows = []
    for event in events:
        error = event.get("errorCode")
        style = " style='color:#cf222e'" if error else ""
        request = event["requestParameters"] or {}
        rows.append(
            f"<tr{style}><td>{_e(event['eventTime'])}</td><td>{_e(event['eventName'])}</td>"
            f"<td>{_e(event['userIdentity'].get('arn', ''))}</td>"
            f"<td>{_e(request.get('roleArn', ''))}</td><td>{_e(error or 'ok')}</td></tr>"
        )
    return (
        f"<table style='{_STYLE}'><tr><th>time</th><th>event</th><th>caller</th><th>role</th>"
        f"<th>result</th></tr>{''.join(rows)}</table>"
    )


def _md(value: object) -> str:
    return str(value).replace("|", "\\|")


def world_markdown(world: Any) -> str:
    """A world's accounts as a Markdown table."""
    lines = [
        "| account | alias | users | groups | roles | resources |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for account in world.accounts:
        state = world._account_state(account.id)
        lines.append(
            f"| {account.id} | {_md(account.alias or '')} | {len(state.users)} | "
            f"{len(state.groups)} | {len(state.roles)} | {len(state.resources)} |"
        )
    return "\n".join(lines)


def events_markdown(events: Iterable[Mapping[str, Any]]) -> str:
    """The audit trail as a Markdown table."""
    lines = ["| time | event | caller | result |", "| --- | --- | --- | --- |"]
    for event in events:
        lines.append(
            f"| {event['eventTime']} | {event['eventName']} | "
            f"{_md(event['userIdentity'].get('arn', ''))} | {event.get('errorCode', 'ok')} |"
        )
    return "\n".join(lines)

"""An SVG drawing of who can assume which role, rendered by the library (no external binary).

Accounts are columns; users and roles are boxes in their account's column; an arrow goes from
each principal to each role it can assume, dashed when conditions are needed (named on the arrow).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from iamsim.graph import AccessGraph

__all__ = ["render_svg"]

_BOX_W, _BOX_H, _GAP_Y, _COL_W, _TOP = 210, 26, 14, 330, 50


def _label(arn: str) -> str:
    resource = arn.split(":", 5)[5]
    kind, _, name = resource.partition("/")
    return f"{'👤' if kind == 'user' else '🎭'} {name.rsplit('/', 1)[-1]}"


def render_svg(graph: AccessGraph) -> str:
    """The graph as a standalone SVG document."""
    columns: dict[str, list[str]] = {}
    for node in graph.nodes:
        columns.setdefault(node.split(":")[4], []).append(node)
    positions: dict[str, tuple[float, float]] = {}
    parts: list[str] = []
    for column, (account, nodes) in enumerate(sorted(columns.items())):
        x = 20 + column * _COL_W
        title = f"account {html.escape(account)}"
        parts.append(f'<text x="{x}" y="{_TOP - 20}" font-weight="bold">{title}</text>')
        for row, node in enumerate(sorted(nodes, key=lambda n: (":role/" in n, n))):
            y = _TOP + row * (_BOX_H + _GAP_Y)
            positions[node] = (x, y)
            fill = "#ddf4ff" if ":role/" in node else "#fff8c5"
            parts.append(
                f'<g><title>{html.escape(node)}</title><rect x="{x}" y="{y}" width="{_BOX_W}" '
                f'height="{_BOX_H}" rx="5" fill="{fill}" stroke="#57606a"/>'
                f'<text x="{x + 8}" y="{y + 17}">{html.escape(_label(node))}</text></g>'
            )
    for edge in graph.edges:
        sx, sy = positions[edge.source]
        tx, ty = positions[edge.target]
        start = (sx + _BOX_W, sy + _BOX_H / 2) if tx > sx else (sx, sy + _BOX_H / 2)
        end = (tx, ty + _BOX_H / 2) if tx > sx else (tx + _BOX_W, ty + _BOX_H / 2)
        if tx == sx:  # same column: loop out to the right
            start, end = (sx + _BOX_W, sy + _BOX_H / 2), (tx + _BOX_W, ty + _BOX_H / 2)
            bend = sx + _BOX_W + 60
            path = (
                f"M {start[0]} {start[1]} C {bend} {start[1]}, {bend} {end[1]}, {end[0]} {end[1]}"
            )
        else:
            mid = (start[0] + end[0]) / 2
            path = f"M {start[0]} {start[1]} C {mid} {start[1]}, {mid} {end[1]}, {end[0]} {end[1]}"
        dash = ' stroke-dasharray="5,4"' if edge.conditions else ""
        title = html.escape(
            f"{edge.source} → {edge.target}"
            + (f" when {', '.join(edge.conditions)}" if edge.conditions else "")
        )
        parts.append(
            f'<g><title>{title}</title><path d="{path}" fill="none" stroke="#0969da" '
            f'stroke-width="1.5"{dash} marker-end="url(#arrow)"/></g>'
        )
        if edge.conditions:
            lx, ly = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2 - 4
            parts.append(
                f'<text x="{lx}" y="{ly}" font-size="10" fill="#9a6700" text-anchor="middle">'
                f"{html.escape(', '.join(edge.conditions))}</text>"
            )
    rows = max((len(n) for n in columns.values()), default=1)
    width = 40 + max(len(columns), 1) * _COL_W
    height = _TOP + rows * (_BOX_H + _GAP_Y) + 20
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="12"><defs><marker id="arrow" viewBox="0 0 10 10" '
        f'refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        f'<path d="M 0 0 L 10 5 L 0 10 z" fill="#0969da"/></marker></defs>'
        f"{''.join(parts)}</svg>"
    )

"""Where each value sits in a JSON text, by path: for error locations and matched statements.

A tiny recursive scanner run only when a policy arrives as text and something needs a position.
It records, for every value, its start and end (line, column), both 1-based, and for every object
member the position of its key.
"""

from __future__ import annotations

import json.decoder
import re
from collections.abc import Callable

__all__ = ["Path", "Span", "positions"]

Path = tuple[str | int, ...]
Span = tuple[int, int, int, int]  # start line, start column, end line, end column (inclusive)

_scanstring: Callable[[str, int], tuple[str, int]] = getattr(json.decoder, "scanstring")  # noqa: B009
_WS = re.compile(r"[ \t\n\r]*")
_LITERAL = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null")


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.spans: dict[Path, Span] = {}
        self.keys: dict[Path, tuple[int, int]] = {}

    def where(self, index: int) -> tuple[int, int]:
        lo, hi = 0, len(self.line_starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.line_starts[mid] <= index:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, index - self.line_starts[lo] + 1

    def skip(self, index: int) -> int:
        match = _WS.match(self.text, index)
        return match.end() if match else index

    def value(self, index: int, path: Path) -> int:
        index = self.skip(index)
        start = index
        char = self.text[index : index + 1]
        if char == "{":
            index = self.skip(index + 1)
            if self.text[index : index + 1] == "}":
                index += 1
            else:
                while True:
                    index = self.skip(index)
                    key_start = index
                    key, index = _scanstring(self.text, index + 1)
                    self.keys[(*path, key)] = self.where(key_start)
                    index = self.skip(index)
                    index = self.value(index + 1, (*path, key))  # past ':'
                    index = self.skip(index)
                    if self.text[index] == ",":
                        index += 1
                        continue
                    index += 1  # '}'
                    break
        elif char == "[":
            index = self.skip(index + 1)
            if self.text[index : index + 1] == "]":
                index += 1
            else:
                item = 0
                while True:
                    index = self.value(index, (*path, item))
                    index = self.skip(index)
                    item += 1
                    if self.text[index] == ",":
                        index += 1
                        continue
                    index += 1
                    break
        elif char == '"':
            _, index = _scanstring(self.text, index + 1)
        else:
            match = _LITERAL.match(self.text, index)
            if match is None:
                raise ValueError(f"unexpected character at {index}")
            index = match.end()
        self.spans[path] = (*self.where(start), *self.where(index - 1))  # end is inclusive
        return index


def positions(text: str) -> tuple[dict[Path, Span], dict[Path, tuple[int, int]]]:
    """Spans of every value and positions of every key in valid JSON ``text``.

    Returns empty maps if the text cannot be scanned (it is then reported by the JSON parser).
    """
    scanner = _Scanner(text)
    try:
        scanner.value(0, ())
    except (ValueError, IndexError):
        return {}, {}
    return scanner.spans, scanner.keys

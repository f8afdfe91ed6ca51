"""Tables of a MySQL dump (mysqldump or phpMyAdmin), read without a MySQL server.

Only what an export of a NukeViet site holds is read: ``CREATE TABLE`` for the column names and
``INSERT INTO ... VALUES (...), (...);`` for the rows, with MySQL's string escapes. Everything else
(SET, LOCK, comments, indexes) is skipped. A dump cut off in the middle of a statement is an error at
the line where that statement began.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_CREATE = re.compile(r"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?`?(?P<name>[\w$]+)`?\s*\(", re.IGNORECASE)
_COLUMN = re.compile(r"[\n(,]\s*`(?P<name>[^`]+)`\s+\w")  # a column's definition starts a line or follows "(" or ","
_INSERT = re.compile(r"INSERT\s+(?:IGNORE\s+)?INTO\s+`?(?P<name>[\w$]+)`?\s*(?:\((?P<columns>[^)]*)\))?\s*VALUES\s*", re.IGNORECASE)
_ESCAPES = {"0": "\0", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a", "b": "\b"}
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


class DumpError(ValueError):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line, self.reason = line, reason


@dataclass
class Table:
    name: str
    columns: list[str] = field(default_factory=list)
    rows: list[dict[str, object]] = field(default_factory=list)


def read_dump(text: str) -> dict[str, Table]:
    """Every table of the dump with its rows as ``{column: value}`` (numbers as int or float, NULL as None)."""
    tables: dict[str, Table] = {}
    at = 0
    create = insert = None  # the next statement of each kind: searched again only once passed
    while True:
        if create is None or create.start() < at:
            create = _CREATE.search(text, at)
        if insert is None or insert.start() < at:
            insert = _INSERT.search(text, at)
        found = min((m for m in (create, insert) if m), key=lambda m: m.start(), default=None)
        if found is None:
            return tables
        table = tables.setdefault(found.group("name"), Table(found.group("name")))
        if found is create:
            end = text.find(";", found.end())
            if end < 0:
                raise DumpError(_line(text, found.start()), "CREATE TABLE without its end")
            table.columns = _COLUMN.findall("\n" + text[found.end():end])
            at = end + 1
            continue
        columns = [c.strip().strip("`") for c in found.group("columns").split(",")] if found.group("columns") else table.columns
        at = _read_rows(text, found.end(), columns, table, _line(text, found.start()))


def _read_rows(text: str, at: int, columns: list[str], table: Table, line: int) -> int:
    """Rows ``(...), (...);`` from ``at``; returns where the statement ends."""
    while True:
        at = _skip_space(text, at)
        if text.startswith("(", at):
            values, at = _read_tuple(text, at + 1, line)
            if columns and len(values) != len(columns):
                raise DumpError(line, f"a row of {table.name} has {len(values)} values for {len(columns)} columns")
            table.rows.append(dict(zip(columns, values)) if columns else dict(enumerate(values)))
            at = _skip_space(text, at)
            if text.startswith(",", at):
                at += 1
                continue
            if text.startswith(";", at):
                return at + 1
        raise DumpError(line, f"the INSERT INTO {table.name} statement is cut off or broken")


def _read_tuple(text: str, at: int, line: int) -> tuple[list[object], int]:
    values: list[object] = []
    while True:
        at = _skip_space(text, at)
        if at >= len(text):
            raise DumpError(line, "the dump ends inside a row")
        char = text[at]
        if char == "'":
            value, at = _read_string(text, at + 1, line)
        elif text.startswith("NULL", at):
            value, at = None, at + 4
        else:
            number = _NUMBER.match(text, at)
            if number is None:
                raise DumpError(line, f"unexpected {text[at:at + 20]!r} in a row")
            value = float(number.group()) if "." in number.group() or "e" in number.group().lower() else int(number.group())
            at = number.end()
        values.append(value)
        at = _skip_space(text, at)
        if text.startswith(",", at):
            at += 1
        elif text.startswith(")", at):
            return values, at + 1
        else:
            raise DumpError(line, "the dump ends inside a row" if at >= len(text) else f"unexpected {text[at:at + 20]!r} in a row")


def _read_string(text: str, at: int, line: int) -> tuple[str, int]:
    parts = []
    while True:
        end = min((i for i in (text.find("'", at), text.find("\\", at)) if i >= 0), default=-1)
        if end < 0:
            raise DumpError(line, "the dump ends inside a text value")
        parts.append(text[at:end])
        if text[end] == "\\":
            if end + 1 >= len(text):
                raise DumpError(line, "the dump ends inside a text value")
            parts.append(_ESCAPES.get(text[end + 1], text[end + 1]))
            at = end + 2
        elif text.startswith("''", end):  # '' inside a string is one quote
            parts.append("'")
            at = end + 2
        else:
            return "".join(parts), end + 1


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1

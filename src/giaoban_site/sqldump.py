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
    lines = _Lines(text)
    # The next statement of each kind, searched again only once passed; False once there is none.
    create: re.Match | None | bool = None
    insert: re.Match | None | bool = None
    while True:
        if create is None or (create and create.start() < at):
            create = _CREATE.search(text, at) or False
        if insert is None or (insert and insert.start() < at):
            insert = _INSERT.search(text, at) or False
        found = min((m for m in (create, insert) if m), key=lambda m: m.start(), default=None)
        if found is None:
            return tables
        table = tables.setdefault(found.group("name"), Table(found.group("name")))
        if found is create:
            end = text.find(";", found.end())
            if end < 0:
                raise DumpError(lines.at(found.start()), "CREATE TABLE without its end")
            table.columns = _COLUMN.findall("\n" + text[found.end():end])
            at = end + 1
            continue
        columns = [c.strip().strip("`") for c in found.group("columns").split(",")] if found.group("columns") else table.columns
        at = _read_rows(text, found.end(), columns, table, lines.at(found.start()))


class _Lines:
    """Line numbers of positions met in order: counted on from the last, not from the start each time."""

    def __init__(self, text: str) -> None:
        self.text, self.position, self.line = text, 0, 1

    def at(self, position: int) -> int:
        if position < self.position:
            self.position, self.line = 0, 1
        self.line += self.text.count("\n", self.position, position)
        self.position = position
        return self.line


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


# A quoted value, unrolled so the regular expression engine runs through plain text in one step.
_STRING = re.compile(r"[^'\\]*(?:(?:\\.|'')[^'\\]*)*'", re.DOTALL)
_ESCAPE = re.compile(r"\\(.)|''", re.DOTALL)


def _read_string(text: str, at: int, line: int) -> tuple[str, int]:
    found = _STRING.match(text, at)
    if found is None:
        raise DumpError(line, "the dump ends inside a text value")
    value = found.group()[:-1]
    if "\\" in value or "''" in value:
        value = _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)) if m.group(1) is not None else "'", value)
    return value, found.end()


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at



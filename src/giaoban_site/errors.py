"""Exception types that carry a file and a line to the person who has to fix the problem."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, printed as ``path:line: message``."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class GiaobanError(Exception):
    """Base of every error the CLI reports without a traceback."""


class ContentError(GiaobanError):
    """A problem in one source file (content, config or template)."""

    def __init__(self, path: str | Path, message: str, line: int | None = None) -> None:
        self.problem = Problem(str(path), line, message)
        super().__init__(str(self.problem))


class BuildFailed(GiaobanError):
    """The build found problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.path, p.line or 0, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):  # crosses process boundaries (workers.Background) with its problems intact
        return BuildFailed, (self.problems,)


def yaml_error_line(exc, text: str, first_line: int = 1) -> int:
    """The 1-based line of a PyYAML error in ``text`` that starts at file line ``first_line``.

    PyYAML reports an unclosed bracket at the end of the text; the line that opened it
    (its context mark) is the one an editor has to fix.
    """
    mark = exc.problem_mark
    if mark is None or (exc.context_mark is not None and mark.line >= len(text.rstrip("\n").splitlines())):
        mark = exc.context_mark or mark
    return (mark.line if mark else 0) + first_line

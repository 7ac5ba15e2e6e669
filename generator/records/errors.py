"""Located errors: every problem in the data names its file, line and column.

Modelled on PyYAML's ``Mark`` / ``MarkedYAMLError``: locations are stored
0-based (as PyYAML marks are) and printed 1-based.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file."""

    path: str
    """Path as shown to the editor (relative to the project when possible)."""
    line: int = 0
    """0-based line."""
    column: int = 0
    """0-based column."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line + 1}:{self.column + 1}"

    @classmethod
    def from_mark(cls, path: str, mark) -> Location:
        if mark is None:
            return cls(path)
        return cls(path, mark.line, mark.column)


@dataclass(frozen=True, order=True)
class CaseError:
    """One problem found in the data, with where it is and what to do."""

    location: Location
    field: str
    """Dotted field path such as ``formation_factors[2].factor`` (1-based indexes)."""
    message: str
    """Japanese, addressed to an editor."""

    def __str__(self) -> str:
        field = f"{self.field}: " if self.field else ""
        return f"{self.location}: {field}{self.message}"

    def github(self) -> str:
        """A GitHub Actions workflow command that annotates the pull request."""
        loc = self.location
        field = f"{self.field}: " if self.field else ""
        text = (field + self.message).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::error file={loc.path},line={loc.line + 1},col={loc.column + 1}::{text}"


class DataError(Exception):
    """Raised when the data has errors; carries all of them, sorted by location."""

    def __init__(self, errors: list[CaseError]):
        self.errors = sorted(errors)
        super().__init__(self.summary())

    def summary(self) -> str:
        lines = [str(e) for e in self.errors]
        lines.append(f"データに {len(self.errors)} 件の問題があります。")
        return "\n".join(lines)

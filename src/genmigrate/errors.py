"""The one base of genmigrate's refusals: each carries `problems`, one `SourceError` (printed
`path:line: message`) per problem, so callers never re-parse a formatted string."""

from __future__ import annotations

from genmigrate.model import SourceError


class GenmigrateError(Exception):
    """genmigrate cannot go ahead (bad input, an unsafe destination, a held lock): exit 2."""

    def __init__(self, problems: list[SourceError]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems

    @classmethod
    def at(cls, path: str, line: int, message: str) -> GenmigrateError:
        return cls([SourceError(path, line, message)])

    @classmethod
    def from_text(cls, text: str) -> GenmigrateError:
        """From the `path:line: message` text of a stage that still reports in text."""
        return cls([parse_problem(text)])


def parse_problem(text: str) -> SourceError:
    path, _, rest = text.partition(":")
    line, _, message = rest.partition(":")
    return SourceError(path, int(line) if line.isdigit() else 1, message.strip() or text)

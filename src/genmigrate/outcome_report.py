"""What `diff` and `apply` print about a migration: the patch, the file list, the `--json` document.

The `--json` document is described in docs/migration-schema.md.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Sequence
from typing import Any

import click

from genmigrate.model import FileChange, SourceError
from genmigrate.patch import file_diff

SCHEMA_VERSION = 1


def selected(changes: Sequence[FileChange], patterns: Sequence[str]) -> list[FileChange]:
    """The changes whose path is one of `patterns`, lies under one, or matches one as a glob."""
    if not patterns:
        return list(changes)
    wanted = [p.strip("/") for p in patterns]
    return [c for c in changes if any(_matches(c.path, p) for p in wanted)]


def _matches(path: str, pattern: str) -> bool:
    return path == pattern or path.startswith(pattern + "/") or fnmatch.fnmatchcase(path, pattern)


def line_counts(change: FileChange) -> tuple[int, int]:
    """Lines added and removed by `change`, as its patch counts them."""
    added = removed = 0
    for line in file_diff(change).split(b"\n")[2:]:
        if line.startswith(b"+") and not line.startswith(b"+++ "):
            added += 1
        elif line.startswith(b"-") and not line.startswith(b"--- "):
            removed += 1
    return added, removed


def stat_lines(changes: Sequence[FileChange]) -> list[str]:
    """One line per file, `git status --short` style: `A path  +n` (created) or `M path  +n -m`."""
    width = max((len(c.path) for c in changes), default=0)
    lines = []
    for change in changes:
        added, removed = line_counts(change)
        counts = f"+{added}" + ("" if change.created else f" -{removed}")
        lines.append(f"{'A' if change.created else 'M'} {change.path.ljust(width)}  {counts}")
    return lines


def summary(changes: Sequence[FileChange], verb: str) -> str:
    created = sum(c.created for c in changes)
    return f"{len(changes)} files {verb} ({created} created, {len(changes) - created} modified)"


def echo_patch(patch: bytes, color: bool) -> None:
    """Coloured when `color`; otherwise the exact bytes, so `genmigrate diff . | git apply` works."""
    if not color:
        stream = click.get_text_stream("stdout")
        stream.flush()
        click.get_binary_stream("stdout").write(patch)
        return
    for line in patch.decode("utf-8", "replace").splitlines():
        if line.startswith(("diff --git", "new file", "+++", "---")):
            click.secho(line, bold=True, color=True)
        elif line[:1] in "+-@":
            click.secho(line, fg={"+": "green", "-": "red", "@": "cyan"}[line[0]], color=True)
        else:
            click.echo(line, color=True)


def document(
    command: str,
    root: str,
    changes: Sequence[FileChange],
    warnings: Sequence[SourceError],
    parity: dict[str, Any],
    written: bool,
) -> str:
    """The `--json` result of `diff` or `apply` (docs/migration-schema.md)."""
    files = []
    for change in changes:
        added, removed = line_counts(change)
        files.append(
            {
                "path": change.path,
                "status": "created" if change.created else "modified",
                "added": added,
                "removed": removed,
            }
        )
    created = sum(c.created for c in changes)
    body = {
        "schema_version": SCHEMA_VERSION,
        "command": command,
        "root": root,
        "written": written,
        "changes": files,
        "created": created,
        "modified": len(changes) - created,
        "warnings": [{"path": w.path, "line": w.line, "message": w.message} for w in warnings],
        "parity": parity,
    }
    return json.dumps(body, indent=2) + "\n"

"""Human-readable output of `genmigrate scan`: a table, per-module details, one summary line."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from genmigrate.model import ClassInfo, ClientModule, ScanResult


def _plural(count: int, word: str, plural: str = "") -> str:
    return f"{count} {word}" if count == 1 else f"{count} {plural or word + 's'}"


def summary_line(result: ScanResult) -> str:
    classes = sum(len(c.classes) for c in result.clients)
    dependents = sum(len(c.dependents) for c in result.clients)
    hazards = sum(len(c.hazards) for c in result.clients)
    return (
        f"{_plural(len(result.clients), 'client module')} ({_plural(classes, 'class', 'classes')}), "
        f"{_plural(dependents, 'dependent')}, {_plural(hazards, 'hazard')} in {_plural(result.files_listed, 'file')} "
        f"({result.parsed} parsed), "
        + (f"{_plural(len(result.rejected), 'candidate')} rejected, " if result.rejected else "")
        + _plural(len(result.errors), "error")
    )


def _classes(client: ClientModule) -> str:
    if not client.classes:
        return "(functions)"  # a module whose clients are its module-level functions
    return ", ".join(f"{c.name} ({c.protocol})" for c in client.classes)


def _row(client: ClientModule) -> tuple[str, ...]:
    needs = len({i for c in client.classes for i in c.needs})
    return (client.path, client.provider, _classes(client), str(needs), str(len(client.hazards)),
            str(len(client.dependents)))


HEADERS = ("module", "provider", "classes", "needs", "hazards", "dependents")


def _details(client: ClientModule) -> list[str]:
    lines = [f"{client.path} ({client.module}, {client.provider}: {'; '.join(client.evidence)})"]
    lines += [_protocol_line(c) for c in client.classes if c.protocol == "learned"]
    lines += [f"  hazard {h.code} L{h.line}: {h.message}" for h in client.hazards]
    lines += [f"  {d.kind} {d.path}:{d.line} {d.target} [{d.form}{', in function' if d.in_function else ''}]"
              for d in client.dependents]
    return lines


def _protocol_line(info: ClassInfo) -> str:
    """`protocol L14 OpenAILLM (memkit.llms.base.LLMBase): generate=generate_response(messages), ...`"""
    ops = [
        f"{op.name}={op.method}({op.input}{f', {op.stream_flag}=True' if op.stream_flag else ''})"
        for op in info.operations
    ]
    return f"  protocol L{info.line} {info.name} ({info.protocol_base}): {', '.join(ops) or 'no operation recognised'}"

def explain_lines(result: ScanResult) -> list[str]:
    """One line per candidate discovery left alone: `path (module): not a client: reason`."""
    return [f"{r.path} ({r.module}): not a client: {r.reason}" for r in result.rejected]


def render(result: ScanResult, console: Console, explain: bool = False) -> None:
    """Print the scan for a person: rich table on a terminal, plain aligned text otherwise; with
    `explain`, also why each rejected candidate is no client module."""
    if result.clients:
        if console.is_terminal:
            table = Table(*HEADERS, title="legacy client modules")
            for client in result.clients:
                table.add_row(*_row(client))
            console.print(table)
        else:
            _plain_table(result, console)
        for client in result.clients:
            console.print()
            for line in _details(client):
                console.print(line, markup=False, highlight=False)
        console.print()
        console.print(f"import root: {result.import_root} ({result.import_root_from})", markup=False, highlight=False)
    if explain and result.rejected:
        for line in explain_lines(result):
            console.print(line, markup=False, highlight=False, soft_wrap=True)
        console.print()
    console.print(summary_line(result), markup=False, highlight=False)


def _plain_table(result: ScanResult, console: Console) -> None:
    rows = [HEADERS] + [_row(c) for c in result.clients]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADERS))]
    for row in rows:
        text = "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
        console.print(text, markup=False, highlight=False, soft_wrap=True)

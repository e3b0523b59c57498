"""What the command line prints besides its results: verbosity, colour and progress.

`-q/--quiet` drops the summaries and warnings on stderr (errors stay), `-v/--verbose` adds
details; `--color auto|always|never` decides colour (auto: off when NO_COLOR is set, on when
FORCE_COLOR is set, else on a terminal); progress shows on stderr only when it is a terminal.
Results (the diff, the scan, `--json` documents) go to stdout whatever the settings.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import IO, Any, TypeVar

import click

from genmigrate import progress

F = TypeVar("F", bound=Callable[..., Any])
COLOR_MODES = ("auto", "always", "never")


@dataclass
class Output:
    verbosity: int = 0  # < 0 quiet, > 0 verbose
    color_mode: str = "auto"

    def color(self, stream: IO[Any] | None = None) -> bool:
        """Whether to colour what goes to `stream` (stdout by default)."""
        return wants_color(self.color_mode, stream or sys.stdout, os.environ)

    def note(self, message: str) -> None:
        """A summary or warning line on stderr; dropped by -q."""
        if self.verbosity >= 0:
            click.echo(message, err=True)

    def detail(self, message: str) -> None:
        """A line on stderr shown only with -v."""
        if self.verbosity > 0:
            click.echo(message, err=True)

    def console(self, stderr: bool = False) -> Any:
        from rich.console import Console

        color = self.color(sys.stderr if stderr else sys.stdout)
        return Console(stderr=stderr, soft_wrap=True, no_color=not color, force_terminal=True if color else None)

    def progress(self) -> Any:
        """A context in which the pipeline's stages show as progress bars on stderr, if it is a terminal."""
        if self.verbosity < 0 or not _isatty(sys.stderr):
            return nullcontext()
        return _showing_progress(self.console(stderr=True))


def wants_color(mode: str, stream: IO[Any], environ: dict[str, str] | os._Environ[str]) -> bool:
    if mode != "auto":
        return mode == "always"
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return _isatty(stream)


def _isatty(stream: IO[Any]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def current() -> Output:
    """The settings of the command being run (defaults outside a click command)."""
    ctx = click.get_current_context(silent=True)
    return ctx.find_root().ensure_object(Output) if ctx is not None else Output()


class _RichListener:
    def __init__(self, bars: Any) -> None:
        self.bars = bars

    def start(self, stage: str, total: int | None) -> object:
        return self.bars.add_task(stage, total=total)

    def advance(self, handle: object, steps: int) -> None:
        self.bars.advance(handle, steps)

    def finish(self, handle: object) -> None:
        task = self.bars.tasks[self.bars.task_ids.index(handle)]
        self.bars.update(handle, total=task.completed, completed=task.completed)


@contextmanager
def _showing_progress(console: Any) -> Iterator[None]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (
        SpinnerColumn(finished_text="[green]✓"),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bars, progress.listening(_RichListener(bars)):
        yield


def _set(attribute: str, combine: Callable[[Any, Any], Any]) -> Callable[[click.Context, click.Parameter, Any], None]:
    def callback(ctx: click.Context, _param: click.Parameter, value: Any) -> None:
        if value:
            out = ctx.find_root().ensure_object(Output)
            setattr(out, attribute, combine(getattr(out, attribute), value))

    return callback


def output_options(command: F) -> F:
    """-q/-v/--color, accepted before or after the subcommand name."""
    options = [
        click.option(
            "-q",
            "--quiet",
            count=True,
            expose_value=False,
            callback=_set("verbosity", lambda v, n: v - n),
            help="Print only results and errors.",
        ),
        click.option(
            "-v",
            "--verbose",
            count=True,
            expose_value=False,
            callback=_set("verbosity", lambda v, n: v + n),
            help="Print more details on stderr.",
        ),
        click.option(
            "--color",
            type=click.Choice(COLOR_MODES),
            expose_value=False,
            callback=_set("color_mode", lambda _old, new: new),
            help="Colour output: auto (terminal, honours NO_COLOR / FORCE_COLOR), always, never.",
        ),
    ]
    # A decorator applies its options bottom-up; on a built Command each one is appended.
    for option in options if isinstance(command, click.Command) else reversed(options):
        command = option(command)
    return command

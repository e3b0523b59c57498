"""`genmigrate diff` and `genmigrate apply`: thin click commands over the engine.

Only click loads at import time: the command line starts on every `--help`, so each body imports
what it uses.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from genmigrate.output import current

if TYPE_CHECKING:
    from genmigrate.config import Config
    from genmigrate.engine import Outcome
    from genmigrate.errors import GenmigrateError

EXIT_OK, EXIT_PENDING, EXIT_ERROR = 0, 1, 2


def _existing_dir(_ctx: click.Context, _param: click.Parameter, path: Path) -> Path:
    """PATH must be a directory; otherwise one `path:0: message` line and exit 2, like every other error."""
    if not path.is_dir():
        click.echo(f"{path}:0: {'not a directory' if path.exists() else 'no such directory'}", err=True)
        sys.exit(EXIT_ERROR)
    return path


path_arg = click.argument("path", type=click.Path(path_type=Path), callback=_existing_dir)
_shim_opt = click.option(
    "--shim", type=click.Choice(["alias", "reexport"]), default=None, help="How the old module path keeps working."
)
_output_opt = click.option(
    "--output", default=None, help="Where the generated package goes, relative to the project folder."
)
_force_opt = click.option(
    "--force", is_flag=True, help="Overwrite files in the output folder that genmigrate did not generate."
)
_parity_opt = click.option(
    "--parity/--no-parity", default=True, show_default=True, help="Record and verify behaviour parity."
)
_strict_opt = click.option(
    "--strict", is_flag=True, default=None, help="A client whose SDK is not installed here is an error, not a skipped parity check."
)
_json_opt = click.option(
    "--json", "as_json", is_flag=True, help="Print the result as JSON (docs/migration-schema.md) instead."
)


def _fail(lines: list[str]) -> None:
    for line in lines:
        click.echo(f"error: {line}", err=True)
    sys.exit(EXIT_ERROR)


def _refuse(error: GenmigrateError) -> None:
    _fail([str(p) for p in error.problems])



def _run(path: Path, shim: str | None, output: str | None, parity: bool, force: bool = False,
         strict: bool | None = None) -> Outcome:
    from genmigrate.children import terminating_cleanly
    from genmigrate.config import ConfigError, load_config
    from genmigrate.discover.importroot import locate
    from genmigrate.engine import migrate  # the engine loads LibCST: only when needed
    from genmigrate.errors import GenmigrateError

    where = locate(path)
    root = where.root
    out = current()
    try:
        config: Config = load_config(where.config_dir).merged(shim=shim, output=output, strict=strict).within(where.project)
        with terminating_cleanly(), out.progress():
            outcome = migrate(root, config, parity=parity, force=force)
    except ConfigError as exc:
        _fail([str(exc)])
    except GenmigrateError as exc:
        _refuse(exc)
    for warning in outcome.warnings:
        out.note(f"warning: {warning}")
    return outcome


def _report_parity(outcome: Outcome) -> None:
    click.echo("parity broken: the migrated code behaves differently:", err=True)
    for difference in outcome.parity_differences:
        click.echo(difference, err=True)


def _json(command: str, path: Path, outcome: Outcome, parity: bool, written: bool) -> None:
    from genmigrate.outcome_report import document

    checked = {"checked": parity and outcome.plan is not None and bool(outcome.changes),
               "ok": outcome.parity_ok, "differences": outcome.parity_differences}
    click.echo(document(command, path.as_posix(), outcome.changes, outcome.warnings, checked, written), nl=False)


@click.command("diff")
@path_arg
@click.argument("files", nargs=-1)
@click.option("--patch", "patch_file", type=click.Path(dir_okay=False, path_type=Path), help="Also write a patch file.")
@click.option("--stat", is_flag=True, help="List the files the migration writes (A created, M modified) instead of the patch.")
@_json_opt
@_shim_opt
@_output_opt
@_parity_opt
@_force_opt
@_strict_opt
def diff_cmd(path: Path, files: tuple[str, ...], patch_file: Path | None, stat: bool, as_json: bool,
             shim: str | None, output: str | None, parity: bool, force: bool, strict: bool | None) -> None:
    """Print the whole migration of PATH as a unified diff. Writes nothing in PATH.

    FILES (paths, folders or globs such as '*ollama*', after `--`) narrow what is printed; the exit
    code and --patch always cover the whole migration. With -v the file list comes first, on stderr.

    Exit 0: nothing to do; 1: changes pending; 2: error.
    """
    from genmigrate.outcome_report import echo_patch, selected, stat_lines, summary
    from genmigrate.patch import unified_diff

    outcome = _run(path, shim, output, parity, force, strict)
    patch = unified_diff(outcome.changes)
    if patch_file is not None:
        try:
            patch_file.write_bytes(patch)
        except OSError as exc:
            _fail([f"{patch_file}:0: cannot write the patch: {exc.strerror}"])
    shown = selected(outcome.changes, files)
    out = current()
    if as_json:
        _json("diff", path, outcome, parity, written=False)
    elif stat:
        for line in stat_lines(shown):
            click.echo(line)
    else:
        for line in stat_lines(outcome.changes) if out.verbosity > 0 else []:
            click.echo(line, err=True)
        echo_patch(unified_diff(shown) if files else patch, out.color())
    out.note(summary(outcome.changes, "would change"))
    if not outcome.parity_ok:
        _report_parity(outcome)
    sys.exit(EXIT_PENDING if outcome.changes else EXIT_OK)


@click.command("apply")
@path_arg
@click.option("--allow-dirty", is_flag=True, help="Write even when the git work tree has uncommitted changes.")
@_json_opt
@_shim_opt
@_output_opt
@_parity_opt
@_force_opt
@_strict_opt
def apply_cmd(path: Path, allow_dirty: bool, as_json: bool, shim: str | None, output: str | None, parity: bool,
              force: bool, strict: bool | None) -> None:
    """Migrate PATH: verify everything, then write all files or none.

    Exit 0: written (or nothing to do); 1: parity broken, nothing written; 2: error, nothing written.
    """
    from genmigrate.discover.importroot import locate
    from genmigrate.errors import GenmigrateError
    from genmigrate.lock import apply_lock

    root = locate(path).root
    try:
        with apply_lock(root) as stale:
            if stale is not None:
                click.echo(f"took over the lock left by pid {stale}, which no longer holds it", err=True)
            _apply(root, allow_dirty, shim, output, parity, force, as_json, strict)
    except GenmigrateError as exc:  # the lock is held
        _refuse(exc)
    except OSError as exc:  # the lock file cannot be created (a read-only tree, ...)
        _fail([f"{exc.filename or root}:1: cannot take the apply lock: {exc.strerror}"])


def _apply(
    root: Path, allow_dirty: bool, shim: str | None, output: str | None, parity: bool, force: bool, as_json: bool,
    strict: bool | None = None,
) -> None:
    from genmigrate.children import deferred_signals
    from genmigrate.errors import GenmigrateError
    from genmigrate.outcome_report import summary
    from genmigrate.write import dirty_files, recover, write_changes

    recovery = recover(root)
    if recovery.action != "none":
        current().note(f"recovered an interrupted apply: {recovery.action} ({recovery.files} files)")
    dirty = [] if allow_dirty else dirty_files(root)
    if dirty and recovery.action == "none":
        _fail([f"{dirty[0]}:1: uncommitted changes in the work tree ({len(dirty)} files); commit them or use --allow-dirty"])
    # After a recovered interrupted apply the tree is dirty with our own writes: go on, since a
    # completed apply leaves nothing to do and a rolled-back one restored the committed state.
    outcome = _run(root, shim, output, parity, force, strict)
    if not outcome.parity_ok:
        if as_json:
            _json("apply", root, outcome, parity, written=False)
        _report_parity(outcome)
        current().note(summary([], "changed"))
        sys.exit(EXIT_PENDING)
    try:
        with deferred_signals():  # a SIGTERM now waits for the last rename
            write_changes(root, outcome.changes)
    except GenmigrateError as exc:
        _refuse(exc)
    if as_json:
        _json("apply", root, outcome, parity, written=bool(outcome.changes))
    else:
        click.echo(summary(outcome.changes, "changed"))

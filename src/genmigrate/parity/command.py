"""`genmigrate parity`: rerun a tree's generated parity tests, or compare a legacy/candidate pair.

Exit 0: same behaviour; 1: differences; 2: the check could not run (one `path:line: message`).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from genmigrate.parity.deadline import SCENARIO_ENV

if TYPE_CHECKING:
    from genmigrate.parity.compare import Difference


def _show(found: list[Difference], as_json: bool, summary: dict[str, Any], notes: list[str]) -> None:
    """Every difference grouped by cause (most telling first), then each scenario in full."""
    from genmigrate.parity.compare import group

    groups = group(found)
    if as_json:
        click.echo(json.dumps({**summary, "groups": [g.to_json() for g in groups],
                               "differences": [d.to_json() for d in found], "notes": notes}, indent=2))
        return
    for note in notes:
        click.echo(note, err=True)
    if groups:
        click.echo(f"{len(groups)} distinct differences, most telling first:")
    for item in groups:
        click.echo(str(item))
    for difference in sorted(found, key=lambda d: d.rank):
        click.echo(str(difference))


def _strict(path: Path, flag: bool | None) -> bool:
    """`--strict` when given, else `[tool.genmigrate] strict` of the project PATH belongs to."""
    from genmigrate.config import load_config
    from genmigrate.discover.importroot import locate

    return load_config(locate(path).config_dir).merged(strict=flag).strict


def _run_tree(path: Path, tests_dir: str, as_json: bool, strict: bool | None = None, update: bool = False) -> int:
    """Check the tree; an update that ends in an error (exit 2) leaves the snapshots as they were."""
    from genmigrate.parity.tests_render import SNAPSHOTS

    folder = path / tests_dir / SNAPSHOTS
    kept = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} if update and folder.is_dir() else {}
    code = _check_tree(path, tests_dir, as_json, strict, update)
    if update and code == 2:
        for extra in [p for p in folder.rglob("*") if p.is_file() and p not in kept] if folder.is_dir() else []:
            extra.unlink()
        for file, data in kept.items():
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_bytes(data)
    return code


def _check_tree(path: Path, tests_dir: str, as_json: bool, strict: bool | None, update: bool) -> int:
    from genmigrate.config import ConfigError
    from genmigrate.parity.tests_render import ParityError, strict_errors, verify_parity

    try:
        strict = _strict(path, strict)
        report = verify_parity(path, tests_dir, update=update, cache=True)
    except ConfigError as exc:
        click.echo(str(exc), err=True)
        return 2
    except ParityError as exc:
        click.echo(str(exc), err=True)
        return 2
    for missing in strict_errors(path, report.skipped) if strict else []:
        click.echo(str(missing), err=True)
    if strict and report.skipped:
        return 2
    for error in report.errors:
        click.echo(f"{path / tests_dir}:0: {error.splitlines()[0]}", err=True)
    if report.errors and not report.differences and report.failed == 0:
        return 2
    summary = {"passed": report.passed, "failed": report.failed, "differ": len(report.differences), "ok": report.ok,
               **({"snapshots": report.rerecorded} if update else {})}
    _show(report.differences, as_json, summary, report.notes)
    if not as_json:
        click.echo(f"parity: {report.passed} passed, {report.failed} failed"
                   f"{', ' + str(len(report.differences)) + ' scenarios differ' if report.differences else ''}")
    if update and not as_json:
        click.echo(f"snapshots: {report.rerecorded['written']} written, {report.rerecorded['updated']} updated")
    return 0 if report.ok else 1


def _run_pair(root: Path, legacy: str, candidate: str, as_json: bool) -> int:
    from genmigrate.parity.pairs import ClassRef, PairError, compare_pair

    try:
        result = compare_pair(root.resolve(), ClassRef.parse(legacy), ClassRef.parse(candidate))
    except PairError as exc:
        click.echo(str(exc), err=True)
        return 2
    summary = {"legacy": legacy, "candidate": candidate, "scenarios": result.scenarios,
               "differ": len(result.differences)}
    _show(result.differences, as_json, summary, result.timeouts)
    if not as_json:
        click.echo(f"parity: {result.scenarios} scenarios, {len(result.differences)} differ")
    return 1 if result.differences else 0


@click.command("parity")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--tests-dir", default="tests/parity", show_default=True, help="Where the generated tests live.")
@click.option("--legacy", metavar="MODULE:CLASS", help="The original class to compare against.")
@click.option("--candidate", metavar="MODULE:CLASS", help="The class that must behave like --legacy.")
@click.option("--root", type=click.Path(path_type=Path), default=Path("."), show_default=True,
              help="Import root for --legacy/--candidate.")
@click.option("--base", metavar="REV",
              help="Audit every legacy client class and function at git revision REV against PATH.")
@click.option("--map", "renames", metavar="OLD=NEW", multiple=True,
              help="With --base: legacy OLD (Name, module:Name or module) is now NEW.")
@click.option("--map-file", type=click.Path(path_type=Path), metavar="FILE",
              help="With --base: renames from FILE's [map] table (default: [tool.genmigrate.parity.map] of PATH).")
@click.option("--json", "as_json", is_flag=True, help="Print the full structured report as JSON.")
@click.option("--strict", is_flag=True, default=None,
              help="A client whose SDK is not installed here is an error (exit 2; also [tool.genmigrate] strict).")
@click.option("--snapshot-update", "update", is_flag=True,
              help="Re-record PATH's parity snapshots from the tree as it is now, then report how many changed.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None,
              help=f"Seconds one scenario may run (default 30; also ${SCENARIO_ENV}).")
def parity_cmd(path: Path | None, tests_dir: str, legacy: str | None, candidate: str | None, root: Path,
               base: str | None, renames: tuple[str, ...], as_json: bool, timeout: float | None,
               strict: bool | None = None, map_file: Path | None = None, update: bool = False) -> None:
    """Rerun PATH's generated parity tests, compare --legacy with --candidate over derived scenarios,
    or (--base REV) audit every legacy client class and function at REV against its counterpart in PATH.

    Exit 0: same behaviour; 1: differences; 2: the check could not run.
    """
    if timeout is not None:
        os.environ[SCENARIO_ENV] = str(timeout)
    if (legacy is None) != (candidate is None):
        click.echo("parity:0: --legacy and --candidate go together", err=True)
        sys.exit(2)
    if base is not None:
        from genmigrate.parity.audit import run_audit

        sys.exit(run_audit(path or Path("."), base, renames, as_json, _show, map_file))
    if legacy is not None and candidate is not None:
        if not root.is_dir():
            click.echo(f"{root}:0: no such directory", err=True)
            sys.exit(2)
        sys.exit(_run_pair(root, legacy, candidate, as_json))
    if path is None or not path.is_dir():
        click.echo(f"{path or '.'}:0: {'no such directory' if path else 'give PATH or --legacy/--candidate'}", err=True)
        sys.exit(2)
    sys.exit(_run_tree(path, tests_dir, as_json, strict, update))

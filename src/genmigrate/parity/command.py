"""`genmigrate parity`: rerun a tree's generated parity tests, or compare a legacy/candidate pair."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from genmigrate.parity.compare import Difference


def _show(found: list[Difference]) -> None:
    for difference in found:
        click.echo(str(difference))


def _run_tree(path: Path, tests_dir: str) -> int:
    from genmigrate.parity.tests_render import ParityError, verify_parity

    try:
        report = verify_parity(path, tests_dir)
    except ParityError as exc:
        click.echo(str(exc), err=True)
        return 2
    _show(report.differences)
    for error in report.errors:
        click.echo(f"{path / tests_dir}:0: {error.splitlines()[0]}", err=True)
    if report.errors and not report.differences and report.failed == 0:
        return 2
    click.echo(f"parity: {report.passed} passed, {report.failed} failed"
               f"{', ' + str(len(report.differences)) + ' scenarios differ' if report.differences else ''}")
    return 0 if report.ok else 1


def _run_pair(root: Path, legacy: str, candidate: str) -> int:
    from genmigrate.parity.pairs import ClassRef, PairError, compare_pair

    try:
        count, found = compare_pair(root.resolve(), ClassRef.parse(legacy), ClassRef.parse(candidate))
    except PairError as exc:
        click.echo(str(exc), err=True)
        return 2
    _show(found)
    click.echo(f"parity: {count} scenarios, {len(found)} differ")
    return 1 if found else 0


@click.command("parity")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--tests-dir", default="tests/parity", show_default=True, help="Where the generated tests live.")
@click.option("--legacy", metavar="MODULE:CLASS", help="The original class to compare against.")
@click.option("--candidate", metavar="MODULE:CLASS", help="The class that must behave like --legacy.")
@click.option("--root", type=click.Path(path_type=Path), default=Path("."), show_default=True,
              help="Import root for --legacy/--candidate.")
def parity_cmd(path: Path | None, tests_dir: str, legacy: str | None, candidate: str | None, root: Path) -> None:
    """Rerun PATH's generated parity tests, or compare --legacy with --candidate over derived scenarios.

    Exit 0: same behaviour; 1: differences; 2: the check could not run.
    """
    if (legacy is None) != (candidate is None):
        click.echo("parity:0: --legacy and --candidate go together", err=True)
        sys.exit(2)
    if legacy is not None and candidate is not None:
        if not root.is_dir():
            click.echo(f"{root}:0: no such directory", err=True)
            sys.exit(2)
        sys.exit(_run_pair(root, legacy, candidate))
    if path is None or not path.is_dir():
        click.echo(f"{path or '.'}:0: {'no such directory' if path else 'give PATH or --legacy/--candidate'}", err=True)
        sys.exit(2)
    sys.exit(_run_tree(path, tests_dir))

import sys
from pathlib import Path

import click

from genmigrate import __version__
from genmigrate.cli_migrate import apply_cmd, diff_cmd, path_arg
from genmigrate.parity.command import parity_cmd


@click.group()
@click.version_option(__version__, prog_name="genmigrate")
def main() -> None:
    """Migrate legacy LLM client modules into components/generator/."""


main.add_command(diff_cmd)
main.add_command(apply_cmd)
main.add_command(parity_cmd)


@main.command("scan")
@path_arg
@click.option("--json", "as_json", is_flag=True, help="Print the scan result as JSON (docs/scan-schema.md).")
@click.option("--explain", is_flag=True, help="Also say why each candidate that is no client module was rejected.")
def scan_cmd(path: Path, as_json: bool, explain: bool) -> None:
    """Show the legacy client modules under PATH, what they need, what depends on them, what is risky."""
    from rich.console import Console

    from genmigrate.config import ConfigError, load_config
    from genmigrate.discover import discover
    from genmigrate.report import render

    from genmigrate.discover.importroot import locate

    where = locate(path)
    try:
        config = load_config(where.config_dir).within(where.project)
    except ConfigError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    result = discover(where.root, config)
    for error in result.errors:
        click.echo(str(error), err=True)
    if as_json:
        click.echo(result.to_json(), nl=False)
    else:
        render(result, Console(soft_wrap=True), explain=explain)
    sys.exit(2 if any(error.fatal for error in result.errors) else 0)

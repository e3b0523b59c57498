import sys
from pathlib import Path

import click

from genmigrate import __version__
from genmigrate.cli_migrate import apply_cmd, diff_cmd, path_arg
from genmigrate.output import current, output_options
from genmigrate.parity.command import parity_cmd


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="genmigrate")
@output_options
def main() -> None:
    """Migrate legacy LLM client modules into components/generator/."""


@click.command("scan")
@path_arg
@click.option("--json", "as_json", is_flag=True, help="Print the scan result as JSON (docs/scan-schema.md).")
@click.option("--explain", is_flag=True, help="Also say why each candidate that is no client module was rejected.")
def scan_cmd(path: Path, as_json: bool, explain: bool) -> None:
    """Show the legacy client modules under PATH, what they need, what depends on them, what is risky."""
    from genmigrate.config import ConfigError, load_config
    from genmigrate.discover import discover
    from genmigrate.report import render

    from genmigrate.discover.importroot import locate

    where = locate(path)
    out = current()
    try:
        config = load_config(where.config_dir).within(where.project)
    except ConfigError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    with out.progress():
        result = discover(where.root, config)
    for error in result.errors:
        click.echo(str(error), err=True)
    if as_json:
        click.echo(result.to_json(), nl=False)
    else:
        render(result, out.console(), explain=explain)
    sys.exit(2 if any(error.fatal for error in result.errors) else 0)


# -q/-v/--color are accepted after the subcommand name too (`genmigrate diff -q .`).
for _command in (scan_cmd, diff_cmd, apply_cmd, parity_cmd):
    main.add_command(output_options(_command))

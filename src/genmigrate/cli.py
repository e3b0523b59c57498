import click

from genmigrate import __version__
from genmigrate.cli_migrate import apply_cmd, diff_cmd


@click.group()
@click.version_option(__version__, prog_name="genmigrate")
def main() -> None:
    """Migrate legacy LLM client modules into components/generator/."""


main.add_command(diff_cmd)
main.add_command(apply_cmd)

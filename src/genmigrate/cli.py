import click

from genmigrate import __version__


@click.group()
@click.version_option(__version__, prog_name="genmigrate")
def main() -> None:
    """Migrate legacy LLM client modules into components/generator/."""

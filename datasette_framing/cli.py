"""The ``datasette-framing`` command line (also ``datasette framing ...``).

Each command parses options and calls the library; errors become ClickException.
"""
import sys

import click

from . import loader, store
from .ingest import FORMATS


@click.group(help="Load, analyse and compare how two sides frame a story.")
@click.version_option(package_name="datasette-framing")
def cli():
    pass


@cli.command()
@click.argument("db_path", metavar="DB", type=click.Path(dir_okay=False))
@click.argument("paths", metavar="PATH...", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Read every PATH as this format instead of going by extension.")
@click.option("--country", help="Country (ISO alpha-2, e.g. US, MX) for records without one.")
@click.option("--kind", type=click.Choice(["coverage", "official"]), help="Kind for records without one.")
@click.option("--outlet", help="Outlet for records without one.")
@click.option("--language", help="Language (ISO 639-1) for records without one; otherwise detected.")
@click.option("--sample/--no-sample", default=None, help="Mark records as illustrative samples written by the team.")
@click.option("--encoding", default="utf-8", show_default=True, help="Text encoding of the input files.")
@click.option("--skip-errors", is_flag=True, help="Load the good records; report each bad one and go on.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def load(db_path, paths, fmt, country, kind, outlet, language, sample, encoding, skip_errors, quiet):
    """Load documents from PATH... (files, directories, or - for JSON Lines on stdin) into DB.

    Formats by extension: .jsonl/.ndjson, .json, .csv, .tsv, .rss/.atom/.xml,
    .html/.htm, .txt/.md (with optional YAML front matter).
    """
    defaults = {"country": country, "kind": kind, "outlet": outlet, "language": language, "sample": sample}
    db = store.open_db(db_path)
    total = loader.input_size(paths)
    show_bar = not quiet and sys.stderr.isatty() and total > 0
    try:
        if show_bar:
            with click.progressbar(length=total, label="Loading", file=sys.stderr) as bar:
                def progress(done, bar=bar):
                    bar.update(done - bar.pos)

                report = loader.load(db, paths, fmt=fmt, defaults=defaults, encoding=encoding,
                                     skip_errors=skip_errors, progress=progress)
        else:
            report = loader.load(db, paths, fmt=fmt, defaults=defaults, encoding=encoding,
                                 skip_errors=skip_errors)
    except loader.LoadError as e:
        raise click.ClickException(f"{e}\nNothing from this load was written.")
    for error in report.errors:
        click.echo(f"skipped {error}", err=True)
    if not quiet:
        for skipped in report.skipped_files:
            click.echo(f"ignored {skipped.source}: {skipped.reason}", err=True)
        c = report.counts
        click.echo(
            f"Load run {report.run_id}: {c['inserted']} inserted, {c['updated']} updated, "
            f"{c['unchanged']} unchanged, {c['skipped']} skipped; "
            f"{c['duplicates']} exact duplicates, {c['near_duplicates']} near-duplicates flagged."
        )


@cli.command()
@click.argument("db_path", metavar="DB", type=click.Path(dir_okay=False))
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
def events(db_path, path):
    """Load dated events (CSV or JSON Lines: date, title, description, country) into DB's events table."""
    from .events import load_events
    from .ingest import InputError

    try:
        count = load_events(store.open_db(db_path), path)
    except InputError as e:
        raise click.ClickException(f"{e}\nNo events were written.")
    click.echo(f"{count} events loaded.")

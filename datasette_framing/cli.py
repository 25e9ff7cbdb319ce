"""The ``datasette-framing`` command line (also ``datasette framing ...``).

Each command parses options and calls the library; errors become ClickException.
"""
import sys

import click

from . import loader, store
from .ingest import FORMATS, Limits, MAX_FILE_BYTES, MAX_RECORD_BYTES, describe_size


class ByteSize(click.ParamType):
    """A size in bytes: 5242880, 5MB, 512KB, 1GB (units of 1024)."""

    name = "bytes"
    UNITS = {"": 1, "B": 1, "K": 1024, "KB": 1024, "M": 1024 ** 2, "MB": 1024 ** 2, "G": 1024 ** 3, "GB": 1024 ** 3}

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        text = str(value).strip().upper().replace(" ", "")
        digits = text.rstrip("KMGB")
        unit = text[len(digits):]
        if not digits.isdigit() or unit not in self.UNITS or int(digits) < 1:
            self.fail(f"{value!r} is not a size such as 5242880, 5MB or 512KB", param, ctx)
        return int(digits) * self.UNITS[unit]


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
@click.option("--max-record-bytes", type=ByteSize(), default=describe_size(MAX_RECORD_BYTES).replace(" ", ""), show_default=True,
              help="Refuse a record (JSON line, CSV row, page or entry text) larger than this.")
@click.option("--max-file-bytes", type=ByteSize(), default=describe_size(MAX_FILE_BYTES).replace(" ", ""), show_default=True,
              help="Refuse a file read whole (JSON array, feed, HTML, text) larger than this; JSON Lines and CSV are streamed.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def load(db_path, paths, fmt, country, kind, outlet, language, sample, encoding, skip_errors,
         max_record_bytes, max_file_bytes, quiet):
    """Load documents from PATH... (files, directories, or - for JSON Lines on stdin) into DB.

    Formats by extension: .jsonl/.ndjson, .json, .csv, .tsv, .rss/.atom/.xml,
    .html/.htm, .txt/.md (with optional YAML front matter).
    """
    defaults = {"country": country, "kind": kind, "outlet": outlet, "language": language, "sample": sample}
    limits = Limits(max_record_bytes, max_file_bytes)
    db = store.open_db(db_path)
    total = loader.input_size(paths)
    show_bar = not quiet and sys.stderr.isatty() and total > 0
    try:
        if show_bar:
            with click.progressbar(length=total, label="Loading", file=sys.stderr) as bar:
                def progress(done, bar=bar):
                    bar.update(done - bar.pos)

                report = loader.load(db, paths, fmt=fmt, defaults=defaults, encoding=encoding,
                                     skip_errors=skip_errors, progress=progress, limits=limits)
        else:
            report = loader.load(db, paths, fmt=fmt, defaults=defaults, encoding=encoding,
                                 skip_errors=skip_errors, limits=limits)
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


@cli.command()
@click.argument("db_path", metavar="DB", type=click.Path(exists=True, dir_okay=False))
@click.option("--codebook", type=click.Path(exists=True, dir_okay=False), help="A YAML codebook of your own (default: the shipped U.S.–Mexico codebook).")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes.")
@click.option("--all", "all_documents", is_flag=True, help="Re-analyse every document, not only new or changed ones.")
@click.option("--dask-scheduler", metavar="ADDRESS", help="Analyse on this Dask cluster (e.g. tcp://10.0.0.5:8786) instead of local processes; needs the [dask] extra.")
@click.option("--quiet", "-q", is_flag=True)
def analyze(db_path, codebook, workers, all_documents, dask_scheduler, quiet):
    """Split DB's documents into sentences and code frames, tone, quotes, actors and stance."""
    from .analyze import analyze as run, AnalyzeError, pending_documents
    from .analysis.codebook import CodebookError

    db = store.open_db(db_path)
    try:
        if not quiet and sys.stderr.isatty():
            from .analysis.codebook import load_codebook
            total = len(pending_documents(db, load_codebook(codebook), all_documents)) if db["documents"].exists() else 0
            with click.progressbar(length=total, label="Analysing", file=sys.stderr) as bar:
                report = run(db, codebook, workers, all_documents, progress=bar.update,
                             dask_scheduler=dask_scheduler)
        else:
            report = run(db, codebook, workers, all_documents, dask_scheduler=dask_scheduler)
    except (AnalyzeError, CodebookError) as e:
        raise click.ClickException(str(e))
    if not quiet:
        click.echo(f"Analysis run {report.run_id}: {report.documents} documents analysed "
                   f"({report.sentences} sentences); {report.removed} removed documents cleared.")


@cli.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--codebook", type=click.Path(exists=True, dir_okay=False), help="Codebook to evaluate (default: the shipped one).")
@click.option("--min-micro-f1", type=float, help="Exit non-zero if overall micro-F1 is below this.")
@click.option("--min-language-f1", type=float, help="Exit non-zero if any language's micro-F1 is below this.")
@click.option("--min-frame-f1", multiple=True, metavar="FRAME=F1", help="Exit non-zero if FRAME's F1 is below F1 (repeatable).")
@click.option("--errors", "errors_path", type=click.Path(dir_okay=False), help="Write the sentences the engine got wrong to this JSON Lines file.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--save", "save_path", type=click.Path(dir_okay=False), help="Write the scores, dated, to this JSON file (the methodology page reads datasette_framing/validation.json).")
@click.option("--subset", metavar="FIELD=VALUE", help="Score only the gold records whose FIELD is VALUE (e.g. half=heldout).")
def evaluate(gold, codebook, min_micro_f1, min_language_f1, min_frame_f1, errors_path, as_json, save_path, subset):
    """Score frame detection against a hand-coded GOLD set (JSON Lines: text, language, frames)."""
    import json as jsonlib
    from .analysis.codebook import load_codebook, CodebookError
    from .evaluate import read_gold, evaluate as run, report_lines, GoldError

    try:
        cb = load_codebook(codebook)
        items = read_gold(gold, cb.slugs, subset)
    except (CodebookError, GoldError) as e:
        raise click.ClickException(str(e))
    overall, by_language, errors = run(items, cb)
    from .evaluate import evaluate_tone
    import datetime as dt

    tone_scores = evaluate_tone(items)
    scores = {
        "date": dt.date.today().isoformat(), "gold": gold, "subset": subset, "codebook_sha256": cb.sha256,
        "sentences": overall.sentences, "languages": sorted(by_language),
        "micro_f1": overall.micro_f1(), "macro_f1": overall.macro_f1(), "frames": overall.per_frame(),
        "by_language": {k: {"sentences": v.sentences, "micro_f1": v.micro_f1(), "macro_f1": v.macro_f1(),
                            "frames": v.per_frame()} for k, v in by_language.items()},
        "tone_agreement": tone_scores,
    }
    # Files first: a reader that stops early (``| head``) must not cost the saved scores.
    if save_path:
        with open(save_path, "w", encoding="utf-8") as fp:
            jsonlib.dump(scores, fp, indent=2, ensure_ascii=False)
    if errors_path:
        with open(errors_path, "w", encoding="utf-8") as fp:
            for e in errors:
                fp.write(jsonlib.dumps(e, ensure_ascii=False) + "\n")
    if as_json:
        click.echo(jsonlib.dumps(scores, indent=2))
    else:
        for line in report_lines(overall, by_language):
            click.echo(line)
        for lang, t in tone_scores.items():
            click.echo(f"tone ({lang}): {t['sentences']} sentences, agreement {t['agreement']:.3f}, "
                       f"Cohen's kappa {t['kappa']:.3f} (majority-class baseline {t['majority_baseline']:.3f})")
    failures = []
    if min_micro_f1 is not None and overall.micro_f1() < min_micro_f1:
        failures.append(f"micro-F1 {overall.micro_f1():.3f} < {min_micro_f1}")
    if min_language_f1 is not None:
        for lang, scores in sorted(by_language.items()):
            if scores.micro_f1() < min_language_f1:
                failures.append(f"{lang} micro-F1 {scores.micro_f1():.3f} < {min_language_f1}")
    per_frame = overall.per_frame()
    for spec in min_frame_f1:
        frame, _, value = spec.partition("=")
        if frame not in per_frame or not value:
            raise click.BadParameter(f"expected FRAME=F1 with a codebook frame, got {spec!r}", param_hint="--min-frame-f1")
        if per_frame[frame]["f1"] < float(value):
            failures.append(f"{frame} F1 {per_frame[frame]['f1']:.3f} < {value}")
    if failures:
        raise click.ClickException("below threshold: " + "; ".join(failures))


@cli.command()
@click.argument("source", default="-", metavar="[FILE|-]")
@click.option("--language", help="Language of every input (default: the record's, else detected).")
@click.option("--codebook", type=click.Path(exists=True, dir_okay=False), help="A YAML codebook of your own.")
def tag(source, language, codebook):
    """Tag text with frames: JSON Lines ({"text": ..., "language": ...}) or plain lines in, one JSON object per input out."""
    import json as jsonlib
    from .analysis.codebook import CodebookError
    from .analysis.pipeline import Engine
    from .ingest.records import detect_language

    try:
        engine = Engine.from_path(codebook)
    except CodebookError as e:
        raise click.ClickException(str(e))
    from .ingest import replace_lone_surrogates

    stream = click.open_file(source, "rb")
    for number, raw in enumerate(stream, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise click.ClickException(f"{source}, line {number}: not valid UTF-8 (byte {raw[e.start]:#04x} "
                                       f"at column {e.start + 1})")
        if number == 1:
            line = line.lstrip("\ufeff")
        if not line.strip():
            continue
        text, lang = line.rstrip("\r\n"), language
        if line.lstrip().startswith("{"):
            try:
                obj = jsonlib.loads(line)
            except jsonlib.JSONDecodeError as e:
                raise click.ClickException(f"{source}, line {number}: invalid JSON: {e.msg}")
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                raise click.ClickException(f"{source}, line {number}: expected an object with a 'text' string")
            given = obj.get("language")
            text, lang = obj["text"], language or (given if isinstance(given, str) else None)
        text = replace_lone_surrogates(text)
        lang = lang or detect_language(text) or "en"
        click.echo(jsonlib.dumps(engine.tag(text, lang), ensure_ascii=False))

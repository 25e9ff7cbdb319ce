"""Benchmarks, one command: ``python -m benchmarks`` (``make benchmark``).

Every figure is a ratio against a baseline measured in the same run on the same data:

- analyze: ``datasette-framing analyze`` (1 and 2 workers) vs TextBlob sentiment alone over
  the same sentences; sentences per second; the speed-up of 2 workers over 1.
- dashboard: the comparison page (several filter combinations) vs Datasette's own
  ``/<db>/documents`` table page on the same database.

Results are printed and written to benchmarks/RESULTS.md with the machine and the date.
"""
import argparse
import asyncio
import datetime as dt
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time

from . import generate

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def build(directory, docs):
    import sqlite_utils
    from datasette_framing import loader

    corpus = os.path.join(directory, f"corpus-{docs}.jsonl")
    generate.write_jsonl(corpus, docs)
    path = os.path.join(directory, f"bench-{docs}.db")
    db = sqlite_utils.Database(path)
    db.enable_wal()
    seconds, _ = timed(loader.load, db, [corpus])
    return path, corpus, seconds


def bench_analyze(directory, docs, lines):
    import sqlite_utils
    from textblob import TextBlob
    from datasette_framing.analyze import analyze

    path, _, load_seconds = build(directory, docs)
    lines.append(f"- corpus: {docs:,} documents (loaded in {load_seconds:.1f} s)")
    results = {}
    for workers in (1, 2):
        copy = os.path.join(directory, f"analyze-{workers}.db")
        shutil.copy(path, copy)
        db = sqlite_utils.Database(copy)
        seconds, report = timed(analyze, db, None, workers)
        results[workers] = (seconds, report.sentences)
        db.close()
    db = sqlite_utils.Database(os.path.join(directory, "analyze-1.db"))
    sentences = [r[0] for r in db.execute("select text from sentences")]
    baseline, _ = timed(lambda: [TextBlob(s).sentiment for s in sentences])
    one, two = results[1][0], results[2][0]
    n = results[1][1]
    lines += [
        f"- sentences: {n:,}",
        f"- analyze, 1 worker: {one:.1f} s ({n / one:,.0f} sentences/s)",
        f"- analyze, 2 workers: {two:.1f} s ({n / two:,.0f} sentences/s)",
        f"- TextBlob sentiment alone over the same sentences: {baseline:.1f} s",
        f"- **ratio analyze (1 worker) / TextBlob alone: {one / baseline:.2f}** (target ≤ 1.5)",
        f"- **speed-up of 2 workers over 1: {one / two:.2f}×** (target ≥ 1.7)",
    ]
    return os.path.join(directory, "analyze-2.db")


async def _median_ms(client, path, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = await client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return statistics.median(times)


def bench_dashboard(path, lines, repeat=7):
    from datasette.app import Datasette

    name = os.path.splitext(os.path.basename(path))[0]
    ds = Datasette([path], immutables=[], settings={"sql_time_limit_ms": 1000})

    async def run():
        table = await _median_ms(ds.client, f"/{name}/documents", repeat)
        lines.append(f"- Datasette `/{name}/documents` table page: {table:.0f} ms (median of {repeat})")
        combos = ["", "?kind=official", "?language=es", "?from=2025-03-01&to=2025-05-31",
                  "?outlet=Wire+A&outlet=Diario+A", "?a=MX&b=US&kind=coverage&language=en&from=2025-06-01",
                  "/frames/sovereignty", "/frames/military_action?kind=coverage"]
        for combo in combos:
            page = await _median_ms(ds.client, f"/{name}/-/framing{combo}", repeat)
            lines.append(f"- `/-/framing{combo}`: {page:.0f} ms, **ratio {page / table:.2f}** (target ≤ 2)")
        doc = await _median_ms(ds.client, f"/{name}/-/framing/documents/bench-1", repeat)
        lines.append(f"- document page: {doc:.0f} ms, ratio {doc / table:.2f}")

    asyncio.run(run())


def machine():
    return (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{platform.platform()}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--analyze-docs", type=int, default=20_000)
    parser.add_argument("--dashboard-docs", type=int, default=100_000)
    parser.add_argument("--only", choices=["analyze", "dashboard"])
    parser.add_argument("--keep", help="keep the databases in this directory")
    args = parser.parse_args(argv)
    directory = args.keep or tempfile.mkdtemp(prefix="framing-bench-")
    os.makedirs(directory, exist_ok=True)
    lines = ["# Benchmark results", "", f"{dt.date.today().isoformat()} — {machine()}", ""]
    started = time.perf_counter()
    if args.only in (None, "analyze"):
        lines += ["## analyze", ""]
        bench_analyze(directory, args.analyze_docs, lines)
        lines.append("")
    if args.only in (None, "dashboard"):
        lines += ["## dashboard", ""]
        sub = os.path.join(directory, "dashboard")
        os.makedirs(sub, exist_ok=True)
        path, _, load_seconds = build(sub, args.dashboard_docs)
        import sqlite_utils
        from datasette_framing.analyze import analyze

        seconds, report = timed(analyze, sqlite_utils.Database(path), None, 2)
        lines.append(f"- {args.dashboard_docs:,} documents, {report.sentences:,} sentences "
                     f"(load {load_seconds:.0f} s, analyze with 2 workers {seconds:.0f} s)")
        bench_dashboard(path, lines)
        lines.append("")
    lines.append(f"Total benchmark time: {time.perf_counter() - started:.0f} s")
    text = "\n".join(lines) + "\n"
    print(text)
    with open(os.path.join(HERE, "RESULTS.md"), "w", encoding="utf-8") as fp:
        fp.write(text)
    if not args.keep:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

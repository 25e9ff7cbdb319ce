"""Load test: serve a database with Datasette and the plugin on loopback, send concurrent
requests to every plugin page for a fixed time, report errors and latency percentiles.

    python -m benchmarks.serve_load framing.db --duration 30 --concurrency 8   (make loadtest)

Bounded in time and in connections, loopback only.  Exits non-zero on any error.
"""
import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

import sqlite_utils

HERE = os.path.dirname(os.path.abspath(__file__))
METADATA = os.path.join(os.path.dirname(HERE), "metadata.yml")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``datasette serve DB -m metadata.yml`` on a free loopback port, as a context manager."""

    def __init__(self, db_path, metadata=METADATA):
        self.db_path, self.metadata = db_path, metadata

    def __enter__(self):
        port = free_port()
        datasette = os.path.join(os.path.dirname(sys.executable), "datasette")
        argv = [datasette, "serve", str(self.db_path), "--host", "127.0.0.1", "--port", str(port)]
        if self.metadata:
            argv += ["-m", str(self.metadata)]
        # The request log goes to a file: a pipe nobody reads would fill up and stall the server.
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(self.base + "/-/versions.json", timeout=1)
                return self
            except OSError:
                if time.time() > deadline or self.process.poll() is not None:
                    self.process.kill()
                    self.log.seek(0)
                    raise RuntimeError("datasette did not start: " + self.log.read().decode()[-2000:])
                time.sleep(0.2)

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def plugin_paths(db_path):
    """Every plugin page (HTML and JSON) for this database: index, dashboard with filters,
    every frame page, a few document pages, the methodology page."""
    db = sqlite_utils.Database(db_path)
    name = os.path.splitext(os.path.basename(str(db_path)))[0]
    slugs = [r[0] for r in db.execute("select slug from frames order by position")]
    documents = [r[0] for r in db.execute("select document_id from document_analysis order by document_id limit 5")]
    paths = ["/-/framing", "/-/framing.json", "/-/framing/methodology"]
    for suffix in ("", ".json"):
        base = f"/{name}/-/framing{suffix}"
        paths += [base, base + "?kind=official", base + "?language=es", base + "?from=2025-03-01&to=2025-06-30",
                  base + "?a=MX&b=US&kind=coverage"]
        paths += [f"/{name}/-/framing/frames/{slug}{suffix}" for slug in slugs]
        paths += [f"/{name}/-/framing/documents/{doc}{suffix}" for doc in documents]
    return paths


async def hammer(base, paths, concurrency, duration):
    """``concurrency`` clients request ``paths`` round-robin for ``duration`` seconds."""
    import httpx

    latencies, errors = [], []
    stop = time.perf_counter() + duration
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        async def worker(offset):
            i = offset
            while time.perf_counter() < stop:
                path = paths[i % len(paths)]
                i += concurrency
                start = time.perf_counter()
                try:
                    response = await client.get(path)
                    ok = response.status_code == 200
                    detail = response.status_code
                except httpx.HTTPError as e:
                    ok, detail = False, repr(e)
                latencies.append((time.perf_counter() - start) * 1000)
                if not ok:
                    errors.append((path, detail))

        await asyncio.gather(*(worker(n) for n in range(concurrency)))
    return latencies, errors


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run(db_path, duration=30, concurrency=8, metadata=METADATA):
    paths = plugin_paths(db_path)
    with Server(db_path, metadata) as server:
        latencies, errors = asyncio.run(hammer(server.base, paths, concurrency, duration))
    return {
        "pages": len(paths), "requests": len(latencies), "errors": errors, "duration": duration,
        "concurrency": concurrency, "p50_ms": statistics.median(latencies) if latencies else None,
        "p95_ms": percentile(latencies, 95) if latencies else None,
        "requests_per_second": len(latencies) / duration,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serve_load", description=__doc__.splitlines()[0])
    parser.add_argument("db", help="an analysed database, e.g. framing.db from `make db`")
    parser.add_argument("--duration", type=float, default=30, help="seconds (default 30)")
    parser.add_argument("--concurrency", type=int, default=8, help="simultaneous clients (default 8)")
    args = parser.parse_args(argv)
    result = run(args.db, args.duration, args.concurrency)
    print(f"{result['requests']:,} requests to {result['pages']} plugin pages in {args.duration:.0f} s "
          f"with {args.concurrency} concurrent clients ({result['requests_per_second']:.0f}/s): "
          f"{len(result['errors'])} errors, p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms")
    for path, detail in result["errors"][:20]:
        print(f"error: {path}: {detail}", file=sys.stderr)
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())

"""A short load test in the suite: the demo database built by `make db`, served by
`datasette serve` on loopback, every plugin page requested concurrently for a few seconds.
The longer run whose figures the README quotes is `make loadtest`."""
import os
import subprocess

from benchmarks import serve_load
from conftest import REPO


def test_every_plugin_page_answers_under_concurrent_load(tmp_path):
    db_path = tmp_path / "framing.db"
    subprocess.run(["make", "-s", "db", f"DB={db_path}"], cwd=REPO, check=True, capture_output=True,
                   env={**os.environ, "MAKEFLAGS": ""})
    result = serve_load.run(db_path, duration=5, concurrency=4)
    assert result["errors"] == []
    assert result["pages"] >= 40  # index, methodology, dashboards, 12 frame pages, documents; HTML and JSON
    assert result["requests"] >= result["pages"]  # every page was requested at least once
    print(f"\n{result['requests']} requests, p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms")

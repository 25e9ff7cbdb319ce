"""analyze --dask-scheduler: the same rows as a local run, computed on a Dask LocalCluster."""
import shutil

import pytest
import sqlite_utils

from conftest import COMPARED_TABLES, analysis_rows


@pytest.fixture(scope="module")
def cluster():
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      host="127.0.0.1") as cluster:
        yield cluster


def test_dask_run_writes_exactly_the_local_rows(tmp_path, fixtures, run_cli, cluster):
    from benchmarks.generate import write_jsonl

    corpus = tmp_path / "corpus.jsonl"
    write_jsonl(corpus, 250)
    local = tmp_path / "local.db"
    run_cli("load", local, corpus, fixtures / "page.html", fixtures / "statement.md")
    remote = tmp_path / "dask.db"
    shutil.copy(local, remote)
    assert run_cli("analyze", local).exit_code == 0
    result = run_cli("analyze", remote, "--dask-scheduler", cluster.scheduler_address)
    assert result.exit_code == 0, result.output
    assert "252 documents analysed" in result.output
    for table in COMPARED_TABLES:
        assert analysis_rows(local, table) == analysis_rows(remote, table), table
    assert len(analysis_rows(remote, "sentences")) > 2000
    # The run is recorded like any other, with the codebook's hash.
    run = list(sqlite_utils.Database(remote)["analysis_runs"].rows)[-1]
    assert run["documents"] == 252 and len(run["codebook_sha256"]) == 64


def test_dask_run_with_own_codebook_and_incremental(tmp_path, fixtures, run_cli, cluster):
    db_path = tmp_path / "f.db"
    run_cli("load", db_path, fixtures / "stories.jsonl")
    codebook = tmp_path / "mine.yml"
    codebook.write_text(
        "name: tiny\nversion: 1\nframes:\n  - slug: cartels\n    labels: {en: Cartels, es: Cárteles}\n"
        "    patterns:\n      en: [cartel]\n      es: [cartel]\n", encoding="utf-8")
    result = run_cli("analyze", db_path, "--codebook", codebook, "--dask-scheduler", cluster.scheduler_address)
    assert result.exit_code == 0, result.output
    db = sqlite_utils.Database(db_path)
    assert {r["frame"] for r in db["frame_hits"].rows} == {"cartels"}
    assert [r["slug"] for r in db["frames"].rows] == ["cartels"]
    # Nothing changed: a second distributed run has nothing to do.
    again = run_cli("analyze", db_path, "--codebook", codebook, "--dask-scheduler", cluster.scheduler_address)
    assert "0 documents analysed" in again.output


def test_unreachable_scheduler_is_a_clear_error_and_writes_nothing(tmp_path, fixtures, run_cli, snapshot,
                                                                    monkeypatch):
    from datasette_framing import dask_analysis

    monkeypatch.setattr(dask_analysis, "CONNECT_TIMEOUT", "1s")
    db_path = tmp_path / "f.db"
    run_cli("load", db_path, fixtures / "stories.jsonl")
    before = snapshot(db_path)
    result = run_cli("analyze", db_path, "--dask-scheduler", "tcp://127.0.0.1:9")
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output
    assert snapshot(db_path) == before

"""Faults: a load or an analysis killed mid-way loses nothing and leaves nothing half-written,
and Datasette keeps answering from the same file while they run (WAL mode)."""
import asyncio
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time

import pytest
import sqlite_utils
from datasette.app import Datasette

from benchmarks.generate import write_jsonl
from conftest import COMPARED_TABLES, analysis_rows, table_snapshot

CLI = [os.path.join(os.path.dirname(sys.executable), "datasette-framing")]


def start(*args):
    """Run the real CLI with its stderr on a terminal, so it draws its progress bar."""
    master, slave = pty.openpty()
    process = subprocess.Popen(CLI + [str(a) for a in args], stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    process.terminal = master
    return process


def kill_midway(process, low=15, high=80, timeout=120):
    """SIGKILL ``process`` once its progress bar shows between ``low`` and ``high`` per cent."""
    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.terminal], [], [], 0.5)
        if ready:
            try:
                seen += os.read(process.terminal, 4096)
            except OSError:  # the terminal closed: the command ended
                break
            percents = [int(p) for p in re.findall(rb"(\d+)%", seen[-400:])]
            if percents and low <= percents[-1] <= high:
                process.send_signal(signal.SIGKILL)
                process.wait()
                os.close(process.terminal)
                assert process.returncode == -signal.SIGKILL
                return percents[-1]
        if process.poll() is not None:
            break
    pytest.fail(f"the command was not caught mid-way; its terminal showed: {seen[-500:]!r}")


@pytest.fixture
def base_db(tmp_path, fixtures, run_cli):
    path = tmp_path / "f.db"
    assert run_cli("load", path, fixtures / "stories.jsonl", fixtures / "two_sides.jsonl").exit_code == 0
    assert run_cli("analyze", path).exit_code == 0
    return path


def test_killed_load_leaves_the_database_as_before_and_can_be_rerun(base_db, tmp_path, run_cli):
    corpus = tmp_path / "big.jsonl"
    write_jsonl(corpus, 20_000, prefix="big")
    before = table_snapshot(base_db)
    kill_midway(start("load", base_db, corpus))
    assert table_snapshot(base_db) == before
    assert sqlite_utils.Database(base_db).execute("pragma integrity_check").fetchone()[0] == "ok"
    result = run_cli("load", base_db, corpus)
    assert result.exit_code == 0 and "20000 inserted" in result.output
    db = sqlite_utils.Database(base_db)
    assert db["documents"].count == len(before["documents"]) + 20_000
    # The full-text index holds every document, once.
    assert db.execute("select count(*) from documents_fts").fetchone()[0] == db["documents"].count
    assert db.execute("select count(*) from documents_fts where documents_fts match 'cartels'").fetchone()[0] > 1000


def test_killed_analysis_leaves_the_database_as_before_and_can_be_rerun(base_db, tmp_path, run_cli):
    corpus = tmp_path / "more.jsonl"
    write_jsonl(corpus, 4_000, prefix="more")
    assert run_cli("load", base_db, corpus).exit_code == 0
    reference = tmp_path / "reference.db"
    sqlite_utils.Database(base_db).execute("vacuum into ?", [str(reference)])
    before = table_snapshot(base_db)
    kill_midway(start("analyze", base_db))
    assert table_snapshot(base_db) == before
    assert run_cli("analyze", base_db).exit_code == 0
    # The rerun writes exactly what an uninterrupted run writes.
    assert run_cli("analyze", reference).exit_code == 0
    for table in COMPARED_TABLES:
        assert analysis_rows(base_db, table) == analysis_rows(reference, table), table


def test_pages_keep_answering_during_load_and_analysis(base_db, tmp_path):
    """Datasette serves the file while a load and an analysis run: every response is 200 and
    shows either the analysis before or the one after, never half of one."""
    corpus = tmp_path / "more.jsonl"
    write_jsonl(corpus, 3_000, prefix="more")
    ds = Datasette([str(base_db)])
    name = ds.get_database().name

    def state(data):
        return tuple((side, data["sides"][side]["documents"], data["sides"][side]["sentences"])
                     for side in sorted(data["sides"]))

    async def poll(process):
        seen, statuses = [], []
        while process.poll() is None:
            for path in (f"/{name}/-/framing.json", f"/{name}/-/framing", f"/{name}/-/framing/frames/sovereignty"):
                response = await ds.client.get(path)
                statuses.append(response.status_code)
                if path.endswith(".json") and response.status_code == 200:
                    seen.append(state(response.json()))
            await asyncio.sleep(0.05)
        return seen, statuses

    async def run():
        first = state((await ds.client.get(f"/{name}/-/framing.json")).json())
        process = subprocess.Popen(
            ["sh", "-c", " ".join(CLI) + f" load {base_db} {corpus} && " + " ".join(CLI) + f" analyze {base_db}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        seen, statuses = await poll(process)
        assert process.returncode == 0, process.stderr.read().decode()
        last = state((await ds.client.get(f"/{name}/-/framing.json")).json())
        return first, seen, statuses, last

    first, seen, statuses, last = asyncio.run(run())
    assert len(statuses) >= 6 and set(statuses) == {200}
    assert last != first
    assert set(seen) <= {first, last}
    # The new run is what the pages show afterwards: counts straight from the tables.
    db = sqlite_utils.Database(base_db)
    assert sum(side[1] for side in last) == db["document_analysis"].count

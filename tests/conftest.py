import os
import pathlib

import pytest
import sqlite_utils
from click.testing import CliRunner

from datasette_framing.cli import cli

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
REPO = pathlib.Path(__file__).parent.parent


@pytest.fixture
def fixtures():
    return FIXTURES


@pytest.fixture
def run_cli():
    """Invoke the real click CLI; returns the Result."""
    runner = CliRunner()

    def run(*args, input=None):
        return runner.invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)

    return run


def table_snapshot(path):
    """Every row of every table, to compare a database before and after a failed load."""
    if not os.path.exists(path):
        return None
    db = sqlite_utils.Database(path)
    return {name: list(db[name].rows) for name in sorted(db.table_names())}


@pytest.fixture
def snapshot():
    return table_snapshot


def build_two_sides_db(path):
    """The views' fixture database: two_sides.jsonl loaded, the events, analysed."""
    runner = CliRunner()
    for args in (["load", str(path), str(FIXTURES / "two_sides.jsonl")],
                 ["events", str(path), str(REPO / "data" / "events.csv")],
                 ["analyze", str(path)]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
    return path


# The analysis tables a parallel or distributed run must write exactly as a serial run does.
COMPARED_TABLES = ("sentences", "frame_hits", "sentence_frames", "sentence_actors", "document_frames", "quotes",
                   "document_analysis", "side_daily", "frame_daily", "pair_daily", "quote_daily")


def analysis_rows(path, table):
    """Every row of ``table``, sorted, without the run number (and the write-order ids of
    frame_hits and quotes): what must be identical however the analysis was computed."""
    db = sqlite_utils.Database(path)
    skip = ("analysis_run", "id") if table in ("frame_hits", "quotes") else ("analysis_run",)
    columns = [c for c in db[table].columns_dict if c not in skip]
    return sorted(db.execute(f"select {', '.join(f'[{c}]' for c in columns)} from [{table}]").fetchall(), key=repr)

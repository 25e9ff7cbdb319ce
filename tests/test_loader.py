"""The loader through the real CLI: every format, ids, re-loads, duplicates, bad input."""
import json
import shutil

import pytest
import sqlite_utils

from datasette_framing.ingest.records import parse_date


def docs(db_path):
    return {row["id"]: row for row in sqlite_utils.Database(db_path)["documents"].rows}


GOOD_FILES = [
    "stories.jsonl", "statements.json", "mediacloud.csv", "senado.tsv", "semicolon.csv",
    "feed.rss", "feed.atom", "page.html", "statement.md", "note.txt",
]


@pytest.fixture
def loaded(tmp_path, fixtures, run_cli):
    db_path = tmp_path / "f.db"
    result = run_cli("load", db_path, *[fixtures / name for name in GOOD_FILES])
    assert result.exit_code == 0, result.output
    return db_path


def test_every_format_loads(loaded):
    rows = docs(loaded)
    assert set(rows) >= {"fx-1", "fx-2", "arr-1", "arr-2", "9001", "9002", "tsv-1", "sc-1",
                         "rss-1", "rss-2", "urn:fixture:atom-1"}
    assert len(rows) == 15
    formats = {r["source_format"] for r in rows.values()}
    assert formats == {"jsonl", "json", "csv", "feed", "html", "text"}


def test_jsonl_fields_and_spanish_date(loaded):
    rows = docs(loaded)
    assert rows["fx-1"]["country"] == "US" and rows["fx-1"]["kind"] == "coverage"
    assert rows["fx-1"]["sample"] == 1
    assert rows["fx-2"]["published"] == "2025-02-20"  # "20 de febrero de 2025"
    assert rows["fx-2"]["language"] == "es"  # detected: the record has no language
    assert rows["fx-2"]["source_position"] == "line 2"
    assert rows["fx-2"]["source_file"].endswith("stories.jsonl")


def test_mediacloud_csv_columns(loaded):
    row = docs(loaded)["9002"]
    assert row["outlet"] == "Fixture Times"
    assert row["published"] == "2025-03-05T09:15:00"
    assert row["text"] == "A story whose text spans\ntwo lines and has a comma, too."
    assert row["source_position"] == "line 3"  # the record starts on line 3


def test_semicolon_and_tsv(loaded):
    rows = docs(loaded)
    assert rows["sc-1"]["published"] == "2025-03-04"  # 04/03/2025, day first
    assert rows["tsv-1"]["kind"] == "official"


def test_feeds(loaded):
    rows = docs(loaded)
    rss = rows["rss-1"]
    assert rss["text"].startswith("The drones flew over the Gulf of California.")
    assert "<p>" not in rss["text"]
    assert rss["published"] == "2025-02-11T15:00:00+00:00"
    assert rss["restates"] == "surveillance flights, 2025-02-11"
    assert rss["sample"] == 1
    assert rss["outlet"] == "Fixture RSS"  # feed title as a fallback
    assert json.loads(rss["extra"]) == {"tags": ["Mexico"]}
    assert rss["language"] == "en"
    atom = rows["urn:fixture:atom-1"]
    assert atom["country"] == "MX" and atom["published"] == "2025-02-20T12:00:00-06:00"


def test_html_page_extraction(loaded):
    (row,) = [r for r in docs(loaded).values() if r["source_format"] == "html"]
    assert row["title"] == "La reforma de los artículos 40 y 19 llega al Congreso"
    assert "tráfico de armas" in row["text"]
    # boilerplate is not article text
    assert "Lo más leído" not in row["text"] and "Todos los derechos" not in row["text"]
    assert "Inicio" not in row["text"]
    assert row["author"] == "Redacción de prueba"
    assert row["published"].startswith("2025-02-20")
    assert (row["outlet"], row["country"], row["kind"], row["language"]) == ("Diario de Prueba", "MX", "coverage", "es")


def test_markdown_front_matter(loaded):
    (row,) = [r for r in docs(loaded).values() if r["title"] == "Comunicado de prueba"]
    assert row["published"] == "2025-02-27"
    assert row["speaker"] == "Vocería de prueba"
    assert row["text"].startswith("El gobierno de México trasladó hoy")
    assert "---" not in row["text"]


def test_ids_are_stable_and_reload_changes_nothing(loaded, fixtures, run_cli, snapshot):
    rows = docs(loaded)
    # no id: derived from the URL, else from the text
    assert "u-5371181724ff2332" in rows
    assert any(i.startswith("t-") for i in rows)
    before = snapshot(loaded)
    result = run_cli("load", loaded, *[fixtures / name for name in GOOD_FILES])
    assert result.exit_code == 0
    assert "0 inserted, 0 updated, 15 unchanged" in result.output
    after = snapshot(loaded)
    assert after["documents"] == before["documents"]
    assert len(after["load_runs"]) == 2


def test_reload_with_same_id_updates(loaded, tmp_path, run_cli):
    changed = tmp_path / "changed.jsonl"
    changed.write_text(json.dumps({"id": "fx-1", "text": "A corrected text.", "country": "US", "kind": "coverage"}) + "\n")
    result = run_cli("load", loaded, changed)
    assert "0 inserted, 1 updated" in result.output
    row = docs(loaded)["fx-1"]
    assert row["text"] == "A corrected text."
    assert row["load_run"] == 2
    # full-text search follows the update, and holds each document once
    db = sqlite_utils.Database(loaded)
    assert [r["id"] for r in db["documents"].search("corrected")] == ["fx-1"]
    assert db.execute("select count(*) from documents_fts").fetchone()[0] == db["documents"].count
    assert db.execute("insert into documents_fts(documents_fts) values ('integrity-check')")


def test_same_id_twice_in_one_load_across_batches(tmp_path, run_cli):
    """A record repeated after the loader has written a batch: the later one wins, and the
    full-text index (built for the load's new documents at its end) holds it once."""
    from datasette_framing import loader

    path = tmp_path / "many.jsonl"
    records = [{"id": f"d-{i}", "text": f"Document number {i} about tariffs and trade.", "country": "US",
                "kind": "coverage"} for i in range(loader.BATCH + 5)]
    records.append({"id": "d-3", "text": "Rewritten: the sovereignty dispute.", "country": "MX", "kind": "official"})
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    db_path = tmp_path / "f.db"
    result = run_cli("load", db_path, path)
    assert result.exit_code == 0, result.output
    db = sqlite_utils.Database(db_path)
    assert db["documents"].count == loader.BATCH + 5
    assert db["documents"].get("d-3")["text"] == "Rewritten: the sovereignty dispute."
    assert [r["id"] for r in db["documents"].search("sovereignty")] == ["d-3"]
    assert list(db["documents"].search('"number 3 about"')) == []
    assert db.execute("select count(*) from documents_fts").fetchone()[0] == db["documents"].count
    db.execute("insert into documents_fts(documents_fts) values ('integrity-check')")


def test_exact_and_near_duplicates(tmp_path, run_cli):
    base = ("The wire service reported that Mexican officials met their American counterparts in "
            "Mexico City on Wednesday to discuss security cooperation, arms trafficking and the flow "
            "of fentanyl, and agreed to meet again next month in Washington.")
    records = [
        {"id": "orig", "text": base, "outlet": "Wire"},
        {"id": "copy", "text": base, "outlet": "Paper A"},
        {"id": "near", "text": base.replace("on Wednesday", "on Wednesday afternoon"), "outlet": "Paper B"},
        {"id": "other", "text": "A different story about remittances sent by migrants to families "
                                "in Michoacán, which reached a record in the first quarter of the year.",
         "outlet": "Paper C"},
    ]
    path = tmp_path / "dups.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    db_path = tmp_path / "d.db"
    result = run_cli("load", db_path, path, "--country", "US", "--kind", "coverage")
    assert "1 exact duplicates, 1 near-duplicates" in result.output
    rows = docs(db_path)
    assert rows["copy"]["duplicate_of"] == "orig"
    assert rows["near"]["near_duplicate_of"] == "orig"
    assert rows["near"]["near_duplicate_similarity"] >= 0.8
    assert rows["other"]["duplicate_of"] is None and rows["other"]["near_duplicate_of"] is None
    assert rows["orig"]["duplicate_of"] is None


def test_defaults_fill_missing_fields(tmp_path, run_cli):
    path = tmp_path / "bare.jsonl"
    path.write_text(json.dumps({"id": "b1", "text": "La Secretaría informó del decomiso de fentanilo en Sonora."}) + "\n")
    db_path = tmp_path / "b.db"
    run_cli("load", db_path, path, "--country", "mx", "--kind", "official", "--outlet", "SSPC", "--sample")
    row = docs(db_path)["b1"]
    assert (row["country"], row["kind"], row["outlet"], row["sample"]) == ("MX", "official", "SSPC", 1)


def test_directory_is_read_recursively(tmp_path, fixtures, run_cli):
    folder = tmp_path / "in" / "nested"
    folder.mkdir(parents=True)
    shutil.copy(fixtures / "stories.jsonl", folder)
    shutil.copy(fixtures / "page.html", tmp_path / "in")
    (tmp_path / "in" / "notes.docx").write_bytes(b"binary")
    db_path = tmp_path / "dir.db"
    result = run_cli("load", db_path, tmp_path / "in")
    assert result.exit_code == 0
    assert len(docs(db_path)) == 4
    assert "ignored" in result.output and "notes.docx" in result.output


def test_stdin_jsonl(tmp_path, run_cli):
    db_path = tmp_path / "s.db"
    line = json.dumps({"id": "in-1", "text": "From standard input.", "country": "US", "kind": "coverage"})
    result = run_cli("load", db_path, "-", input=line + "\n")
    assert result.exit_code == 0, result.output
    assert docs(db_path)["in-1"]["source_file"] == "<stdin>"


@pytest.mark.parametrize(
    "name,message",
    [
        ("broken.jsonl", "broken.jsonl, line 2: invalid JSON"),
        ("no_text.jsonl", "no_text.jsonl, line 1: record has no text"),
        ("bad_country.jsonl", "bad_country.jsonl, line 1: unknown country 'Mexico'"),
        ("bad_kind.jsonl", "bad_kind.jsonl, line 1: unknown kind 'news'"),
        ("latin1.jsonl", "latin1.jsonl, line 2: invalid utf-8"),
    ],
)
def test_bad_input_writes_nothing(loaded, fixtures, run_cli, snapshot, name, message):
    before = snapshot(loaded)
    result = run_cli("load", loaded, fixtures / "stories.jsonl", fixtures / name)
    assert result.exit_code == 1
    assert message in result.output
    assert "Nothing from this load was written" in result.output
    assert snapshot(loaded) == before


def test_bad_input_in_new_database_leaves_no_tables(tmp_path, fixtures, run_cli):
    db_path = tmp_path / "new.db"
    result = run_cli("load", db_path, fixtures / "stories.jsonl", fixtures / "broken.jsonl")
    assert result.exit_code == 1
    assert sqlite_utils.Database(db_path).table_names() == []


def test_skip_errors_loads_the_good_records(tmp_path, fixtures, run_cli):
    db_path = tmp_path / "skip.db"
    result = run_cli("load", db_path, fixtures / "broken.jsonl", fixtures / "latin1.jsonl", "--skip-errors")
    assert result.exit_code == 0
    assert set(docs(db_path)) == {"bad-1", "u8-1"}
    assert "skipped" in result.output and "broken.jsonl, line 2: invalid JSON" in result.output
    assert sqlite_utils.Database(db_path)["load_runs"].get(1)["skipped"] == 2


def test_latin1_with_encoding_option(tmp_path, fixtures, run_cli):
    db_path = tmp_path / "l1.db"
    result = run_cli("load", db_path, fixtures / "latin1.jsonl", "--encoding", "latin-1")
    assert result.exit_code == 0
    assert docs(db_path)["u8-2"]["text"] == "café con leña"


def test_unparseable_feed_and_unknown_extension(tmp_path, run_cli):
    feed = tmp_path / "cut.rss"
    feed.write_text("<?xml version='1.0'?><rss version='2.0'><channel><title>x</title><item><title>a")
    result = run_cli("load", tmp_path / "x.db", feed)
    assert result.exit_code == 1 and "cut.rss" in result.output and "not a well-formed RSS/Atom feed" in result.output
    other = tmp_path / "notes.docx"
    other.write_bytes(b"x")
    result = run_cli("load", tmp_path / "x.db", other)
    assert result.exit_code == 1 and "pass --format" in result.output


def test_bad_default_country(tmp_path, fixtures, run_cli):
    result = run_cli("load", tmp_path / "x.db", fixtures / "stories.jsonl", "--country", "XX")
    assert result.exit_code == 1 and "--country 'XX'" in result.output


@pytest.mark.parametrize("value,expected", [
    ("20 de febrero de 2025", "2025-02-20"),
    ("1 de septiembre de 2025", "2025-09-01"),
    ("February 20, 2025", "2025-02-20"),
    ("Feb. 20, 2025", "2025-02-20"),
    ("2025-02-20", "2025-02-20"),
    ("Thu, 20 Feb 2025 10:00:00 GMT", "2025-02-20T10:00:00+00:00"),
    ("20/02/2025", "2025-02-20"),
    ("not a date", None),
])
def test_parse_date(value, expected):
    assert parse_date(value) == expected


def test_both_command_spellings(tmp_path, fixtures):
    import subprocess, sys, os
    bin_dir = os.path.dirname(sys.executable)
    db_path = tmp_path / "cmd.db"
    out = subprocess.run([os.path.join(bin_dir, "datasette"), "framing", "load", str(db_path),
                          str(fixtures / "stories.jsonl")], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "3 inserted" in out.stdout
    out = subprocess.run([os.path.join(bin_dir, "datasette-framing"), "load", str(db_path),
                          str(fixtures / "stories.jsonl")], capture_output=True, text=True)
    assert "3 unchanged" in out.stdout

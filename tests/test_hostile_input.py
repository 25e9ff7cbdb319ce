"""Broken or hostile input: every reader, the engine, and the size limits.

Every generated or hand-written file goes through the real CLI (`load`, as `run_cli` in
conftest does) into a real SQLite file, and must end in one of two ways: records loaded, or
an `Error: FILE[, line N | entry N]: ...` message with nothing written. A traceback fails
the test (CliRunner is run with catch_exceptions=False). The engine must never raise on
any string, and every offset it reports must slice back to the text it names.

The nasty real-world-shaped files are in tests/fixtures/nasty/ (written for these tests).
The large JSON Lines files of the memory test are generated in tmp_path from
fixtures/nasty/large_template.jsonl.tmpl, never committed.
"""
import datetime as dt
import email.utils
import json
import os
import pathlib
import random
import re
import subprocess
import sys
import tempfile
import unicodedata
from xml.sax.saxutils import escape

import pytest
import sqlite_utils
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings, strategies as st

from datasette_framing.analysis.pipeline import Engine
from datasette_framing.cli import cli

NASTY = pathlib.Path(__file__).parent / "fixtures" / "nasty"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SURROGATE = re.compile("[\ud800-\udfff]")

# Bounded so the whole file runs in well under a minute on the project's 2-core machine.
BOUNDED = settings(
    max_examples=150, deadline=None, derandomize=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
FEWER = settings(BOUNDED, max_examples=60)


# --- helpers -------------------------------------------------------------------------

SCRATCH = None  # a directory pytest cleans up, for the many small files of the generated cases


@pytest.fixture(autouse=True, scope="module")
def scratch(tmp_path_factory):
    global SCRATCH
    SCRATCH = tmp_path_factory.mktemp("hostile")
    yield SCRATCH


class Outcome:
    def __init__(self, result, db_path, file_path):
        self.result, self.db_path, self.file_path = result, db_path, file_path
        self.output = result.output

    @property
    def documents(self):
        db = sqlite_utils.Database(self.db_path)
        if not db["documents"].exists():
            return {}
        return {row["id"]: row for row in db["documents"].rows}


def load_bytes(data, name, *options):
    """Write ``data`` to a fresh directory as ``name`` and run `load` on it; check the outcome is clean."""
    directory = tempfile.mkdtemp(dir=SCRATCH)
    file_path = os.path.join(directory, name)
    with open(file_path, "wb") as fp:
        fp.write(data)
    return load_file(file_path, *options, db_path=os.path.join(directory, "t.db"))


def load_file(file_path, *options, db_path=None):
    db_path = db_path or os.path.join(tempfile.mkdtemp(dir=SCRATCH), "t.db")
    result = CliRunner().invoke(cli, ["load", db_path, str(file_path), *map(str, options)], catch_exceptions=False)
    outcome = Outcome(result, db_path, str(file_path))
    assert_clean(outcome)
    return outcome


def assert_clean(outcome):
    """Loaded, or a clear error naming the file (and nothing written); never a traceback."""
    output, path = outcome.output, outcome.file_path
    assert "Traceback" not in output
    if outcome.result.exit_code == 0:
        assert "Load run 1:" in output
        for line in output.splitlines():
            if line.startswith("skipped "):
                assert line.startswith(f"skipped {path}"), line
        for doc in outcome.documents.values():
            assert doc["source_file"] == path
        return
    assert outcome.result.exit_code == 1, output
    assert output.startswith(f"Error: {path}"), output
    assert output.rstrip().endswith("Nothing from this load was written."), output
    assert outcome.documents == {}


def error_position(outcome):
    """'line 3' / 'entry 2' / '' from an error message."""
    match = re.match(rf"Error: {re.escape(outcome.file_path)}(?:, ((?:after )?line \d+|entry \d+))?: ", outcome.output)
    assert match, outcome.output
    return match.group(1) or ""


def clean(value):
    """What the loader stores for a text field (NFC, LF line ends, no control characters, trimmed)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL.sub("", unicodedata.normalize("NFC", value)).strip()


def loaded_count(outcome):
    return int(re.search(r"Load run 1: (\d+) inserted", outcome.output).group(1))


# --- strategies ----------------------------------------------------------------------

NASTY_CHARS = [
    "\x00", "\x01", "\x1b", "\x7f", "\r", "\n", "\r\n", "\t", "\ufeff", "\u200b", "\u200e", "\u202e",
    "\u0301", "e\u0301", "\ufffd", "Ã©", "Ã±", "ï»¿", "\U0001f600", "\U0001d518", "ß", "İ", "ﬁ",
    '"', "'", "\\", ",", ";", "<", ">", "&", "&amp;", "]]>", "{", "}", "---", "# ",
]
nasty_text = st.one_of(
    st.text(),
    st.lists(st.sampled_from(NASTY_CHARS) | st.text(max_size=8), max_size=30).map("".join),
    st.builds(lambda c, n: c * n, st.sampled_from(["a", "é", " ", "\U0001f600", "x y "]), st.integers(0, 100_000)),
)
real_text = nasty_text.filter(lambda t: clean(t) != "")
any_unicode = st.text(st.characters(blacklist_categories=()))  # lone surrogates included

datetimes = st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31, 23, 59, 59))


@st.composite
def dates(draw):
    """(string as a source writes it, the ISO value the loader must store) or (garbage, None)."""
    kind = draw(st.sampled_from(["iso_date", "iso_datetime", "rfc822", "missing"]))
    moment = draw(datetimes).replace(microsecond=0)
    if kind == "iso_date":
        return moment.date().isoformat(), moment.date().isoformat()
    if kind == "iso_datetime":
        expected = moment.date().isoformat() if moment.time() == dt.time(0) else moment.isoformat()
        return moment.isoformat(), expected
    if kind == "rfc822":
        aware = moment.replace(tzinfo=dt.timezone.utc)
        return email.utils.format_datetime(aware), aware.isoformat()
    return None, None


IDS = ["a", "b", "c", "ü-1", "日本", "id with spaces"]
JSON_VALUES = st.one_of(
    nasty_text, st.integers(), st.floats(), st.none(), st.booleans(),
    st.lists(st.text(max_size=5), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
JSON_KEYS = st.sampled_from([
    "id", "text", "title", "url", "country", "kind", "language", "published", "sample", "author",
    "body", "content", "date", "guid", "headline", "stories_id", "extra field", "",
])


# --- JSON Lines and JSON arrays --------------------------------------------------------

@BOUNDED
@given(
    records=st.lists(st.dictionaries(JSON_KEYS, JSON_VALUES, max_size=8), max_size=6),
    ascii_escapes=st.booleans(), bom=st.booleans(), crlf=st.booleans(), lone_surrogate=st.booleans(),
    latin1_line=st.integers(-1, 5), cut=st.integers(0, 10**7), skip=st.booleans(),
    limit=st.sampled_from([None, 200, 4096]),
)
def test_jsonl_any_bytes_load_or_fail_cleanly(records, ascii_escapes, bom, crlf, lone_surrogate, latin1_line, cut, skip, limit):
    lines = [json.dumps(r, ensure_ascii=ascii_escapes) for r in records]
    if lone_surrogate and lines:
        lines[0] = '{"title": "half an emoji \\ud83d"' + ("}" if lines[0] == "{}" else ", " + lines[0][1:])
    encoded = [line.encode("latin-1" if n == latin1_line else "utf-8", "replace") for n, line in enumerate(lines)]
    data = (b"\r\n" if crlf else b"\n").join(encoded)
    if bom:
        data = b"\xef\xbb\xbf" + data
    truncated = bool(cut) and cut % (len(data) + 1) < len(data)
    if truncated:
        data = data[: cut % (len(data) + 1)]
    options = (["--skip-errors"] if skip else []) + (["--max-record-bytes", limit] if limit else [])
    outcome = load_bytes(data, "input.jsonl", *options)
    if outcome.result.exit_code:
        assert not skip  # with --skip-errors a JSON Lines load always finishes
        assert re.fullmatch(r"line \d+", error_position(outcome)), outcome.output
        if "--max-record-bytes" in outcome.output:
            assert f"limit of {limit:,} bytes" in outcome.output
        return
    assert len(outcome.documents) == loaded_count(outcome)
    for doc in outcome.documents.values():
        number = int(doc["source_position"].removeprefix("line "))
        source = records[number - 1]
        if isinstance(source.get("text"), str) and not truncated and latin1_line < 0 and list(source)[:1] == ["text"]:
            assert doc["text"] == clean(source["text"]).replace("\ud83d", "\ufffd")


@BOUNDED
@given(
    records=st.lists(
        st.fixed_dictionaries({"id": st.sampled_from(IDS), "text": real_text, "published": dates()},
                              optional={"title": any_unicode, "country": st.sampled_from(["US", "mx", " MX "]),
                                        "kind": st.sampled_from(["coverage", "OFFICIAL"])}),
        min_size=1, max_size=6),
    as_array=st.booleans(), crlf=st.booleans(), bom=st.booleans(), ascii_escapes=st.booleans(),
)
@example(records=[{"id": "a", "text": "x", "published": ("Mon, 01 Jan 0001 00:00:00 +0000", "0001-01-01T00:00:00+00:00")}],
         as_array=False, crlf=False, bom=False, ascii_escapes=False)
@example(records=[{"id": "a", "text": "x", "title": "half \ud83d", "published": (None, None)}],
         as_array=False, crlf=False, bom=False, ascii_escapes=True)
def test_valid_json_records_always_load_exactly(records, as_array, crlf, bom, ascii_escapes):
    """Arbitrary Unicode, huge fields, control characters, far dates, duplicate ids, lone surrogate
    escapes: all load, the later record of an id wins, and the stored text, title and date are
    exactly what the file said (a lone surrogate as U+FFFD)."""
    if not ascii_escapes:  # a lone surrogate can only be written as a \\ud800 escape
        records = [{k: SURROGATE.sub("", v) if k == "title" else v for k, v in r.items()} for r in records]
    plain = [{**r, "published": r["published"][0]} for r in records]
    plain = [{k: v for k, v in r.items() if v is not None} for r in plain]
    if as_array:
        data = json.dumps(plain, ensure_ascii=ascii_escapes, indent=1).encode("utf-8")
        name = "input.json"
    else:
        data = ("\r\n" if crlf else "\n").join(json.dumps(r, ensure_ascii=ascii_escapes) for r in plain).encode("utf-8")
        name = "input.jsonl"
    if bom:
        data = b"\xef\xbb\xbf" + data
    outcome = load_bytes(data, name)
    assert outcome.result.exit_code == 0, outcome.output
    last = {r["id"]: r for r in records}  # the later record of an id wins
    documents = outcome.documents
    assert set(documents) == set(last)
    for doc_id, record in last.items():
        doc = documents[doc_id]
        assert doc["text"] == clean(record["text"])
        assert doc["published"] == record["published"][1]
        if "title" in record:
            assert doc["title"] == (clean(SURROGATE.sub("\ufffd", record["title"])) or None)
        if "country" in record:
            assert doc["country"] == record["country"].strip().upper()


@BOUNDED
@given(body=st.text(), cut=st.integers(0, 10**6), wrap=st.sampled_from(["[", "{\"documents\": [", "", "{"]))
def test_json_array_any_text_loads_or_fails_cleanly(body, cut, wrap):
    data = (wrap + body).encode("utf-8")
    data = data[: cut % (len(data) + 1)] if cut else data
    outcome = load_bytes(data, "input.json", "--skip-errors")
    if outcome.result.exit_code:
        assert re.fullmatch(r"(line \d+|entry \d+|)", error_position(outcome))


# --- CSV and TSV ---------------------------------------------------------------------

csv_cell = st.one_of(st.text(max_size=30), st.sampled_from(NASTY_CHARS))


@BOUNDED
@given(
    rows=st.lists(st.lists(csv_cell, min_size=1, max_size=4), min_size=1, max_size=6),
    delimiter=st.sampled_from([",", ";", "\t"]), header=st.booleans(), encoding=st.sampled_from(["utf-8", "latin-1", "cp1252"]),
    bom=st.booleans(), cut=st.integers(0, 10**6), name=st.sampled_from(["input.csv", "input.tsv"]),
    skip=st.booleans(),
)
def test_csv_any_bytes_load_or_fail_cleanly(rows, delimiter, header, encoding, bom, cut, name, skip):
    if header:
        rows = [["id", "text", "published", "title"][: len(rows[0])]] + rows
    data = "\r\n".join(delimiter.join(row) for row in rows).encode(encoding, "replace")
    if bom:
        data = b"\xef\xbb\xbf" + data
    data = data[: cut % (len(data) + 1)] if cut else data
    outcome = load_bytes(data, name, *(["--skip-errors"] if skip else []))
    if outcome.result.exit_code:
        assert re.fullmatch(r"(after )?line \d+", error_position(outcome)), outcome.output


@BOUNDED
@given(
    records=st.lists(st.tuples(st.sampled_from(IDS), real_text.filter(lambda t: "\x00" not in t), nasty_text),
                     min_size=1, max_size=5),
    delimiter=st.sampled_from([",", ";", "\t"]), latin1=st.booleans(),
)
def test_valid_csv_always_loads_exactly(records, delimiter, latin1):
    """Quoted fields with delimiters, quotes and embedded newlines; Latin-1 with --encoding."""
    import csv
    import io

    if latin1:
        records = [tuple(v if not isinstance(v, str) else v.encode("latin-1", "replace").decode("latin-1") for v in r)
                   for r in records]
        records = [r for r in records if clean(r[1])]
        if not records:
            return
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["id", "text", "title"])
    writer.writerows(records)
    data = buffer.getvalue().encode("latin-1" if latin1 else "utf-8")
    options = ["--encoding", "latin-1"] if latin1 else []
    outcome = load_bytes(data, "input.csv" if delimiter != "\t" else "input.tsv", *options)
    assert outcome.result.exit_code == 0, outcome.output
    last = {r[0]: r for r in records}
    assert set(outcome.documents) == set(last)
    for doc_id, (_, text, title) in last.items():
        assert outcome.documents[doc_id]["text"] == clean(text)
        assert outcome.documents[doc_id]["title"] == (clean(title) or None)


# --- RSS and Atom ----------------------------------------------------------------------

xml_text = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="<&\ufffe\uffff"), max_size=60) \
    .filter(lambda t: clean(t) != "")


@st.composite
def feeds(draw):
    """(feed bytes, [(guid, text, expected published), ...]) for a well-formed RSS or Atom feed."""
    atom = draw(st.booleans())
    entries = draw(st.lists(st.tuples(st.sampled_from(IDS), xml_text, dates()), min_size=1, max_size=5))
    items = []
    for guid, text, (published, _) in entries:
        if atom:
            date = f"<updated>{escape(published)}</updated>" if published else ""
            items.append(f"<entry><id>{escape(guid)}</id><title>t</title>{date}"
                         f"<content type=\"text\">{escape(text)}</content></entry>")
        else:
            date = f"<pubDate>{escape(published)}</pubDate>" if published else ""
            items.append(f"<item><guid>{escape(guid)}</guid><title>t</title>{date}"
                         f"<description>{escape(text)}</description></item>")
    if atom:
        body = '<feed xmlns="http://www.w3.org/2005/Atom"><title>Feed</title>' + "".join(items) + "</feed>"
    else:
        body = '<rss version="2.0"><channel><title>Feed</title>' + "".join(items) + "</channel></rss>"
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode("utf-8"), entries, atom


@BOUNDED
@given(feed=feeds())
@example(feed=(b'<rss version="2.0"><channel><item><guid>m</guid><description>La soberan\xc3\x83\xc2\xada'
               b'</description></item></channel></rss>', [("m", "La soberan\u00c3\u00ada", (None, None))], False))
def test_valid_feeds_load_with_missing_and_far_dates(feed):
    data, entries, atom = feed
    outcome = load_bytes(data, "feed.atom" if atom else "feed.rss")
    assert outcome.result.exit_code == 0, outcome.output
    last = {guid: (text, expected) for guid, text, (_, expected) in entries}
    assert set(outcome.documents) == set(last)
    for guid, (text, expected) in last.items():
        doc = outcome.documents[guid]
        assert doc["published"] == expected
        assert doc["text"] == clean(feedparser_repaired(text))


def feedparser_repaired(text):
    """feedparser undoes one common mojibake in UTF-8 feeds: UTF-8 read as Latin-1 (``Ã©`` -> ``é``)."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return text


FEED_PIECES = [
    "<rss version='2.0'>", "</rss>", "<channel>", "</channel>", "<item>", "</item>", "<title>", "</title>",
    "<description>", "</description>", "<pubDate>", "</pubDate>", "<guid>", "</guid>",
    "<feed xmlns='http://www.w3.org/2005/Atom'>", "</feed>", "<entry>", "</entry>", "<content type='html'>",
    "</content>", "<updated>", "</updated>", "<id>", "</id>", "&lt;p&gt;", "&#xd800;", "&#x110000;", "&#0;",
    "&undefined;", "<![CDATA[<script>x</script><iframe>y</iframe>]]>", "<category domain='country'>", "</category>",
    "<?xml version='1.0' encoding='iso-8859-1'?>", "<!DOCTYPE rss [<!ENTITY a 'aaaa'>]>", "&a;",
    "Mon, 01 Jan 0001 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 +0000", "32 Foo 20251 99:99", "\x00", "\ufeff",
]


@BOUNDED
@given(parts=st.lists(st.sampled_from(FEED_PIECES) | st.text(max_size=20), max_size=40),
       cut=st.integers(0, 10**6), name=st.sampled_from(["feed.rss", "feed.atom", "feed.xml"]), skip=st.booleans())
@example(parts=["<rss version='2.0'><channel><item><title>&#xd800;</title><description>x</description>"],
         cut=0, name="feed.rss", skip=False)
def test_feeds_any_bytes_load_or_fail_cleanly(parts, cut, name, skip):
    data = "".join(parts).encode("utf-8")
    data = data[: cut % (len(data) + 1)] if cut else data
    outcome = load_bytes(data, name, *(["--skip-errors"] if skip else []))
    if outcome.result.exit_code:
        assert re.fullmatch(r"(line \d+|entry \d+|)", error_position(outcome))
    for doc in outcome.documents.values():
        assert "<script" not in doc["text"] and "\x00" not in doc["text"]


# --- HTML ----------------------------------------------------------------------------

HTML_PIECES = [
    "<html>", "</html>", "<head>", "</head>", "<body>", "</body>", "<p>", "</p>", "<article>", "</article>",
    "<h1>", "</h1>", "<div>", "</div>", "<br>", "<title>", "</title>", "<!--", "-->", "<![CDATA[",
    "<meta charset='latin-1'>", "<html lang='es'>", "<html lang='not a language'>",
    "<meta name='framing:country' content='XX'>", "<meta name='framing:published' content='9999-99-99'>",
    "<meta property='article:published_time' content='0001-01-01'>", "&#0;", "&#xd800;", "&bogus;", "\x00", "\ufeff",
]


@BOUNDED
@given(parts=st.lists(st.sampled_from(HTML_PIECES) | st.text(max_size=40), max_size=40),
       cut=st.integers(0, 10**6), encoding=st.sampled_from(["utf-8", "latin-1"]))
def test_html_any_bytes_load_or_fail_cleanly(parts, cut, encoding):
    data = "".join(parts).encode(encoding, "replace")
    data = data[: cut % (len(data) + 1)] if cut else data
    load_bytes(data, "page.html")


sentence = st.lists(st.sampled_from(
    "the border talks went on through the night while officials said that trade and security were linked "
    "la frontera el gobierno dijo que la cooperación seguirá durante la semana con nuevas reuniones".split()),
    min_size=12, max_size=30).map(lambda words: " ".join(words).capitalize() + ".")


@FEWER
@given(paragraphs=st.lists(sentence, min_size=2, max_size=6),
       hostile=st.lists(st.sampled_from([
           "<script>var SCRIPTMARKER = 1;</script>", "<iframe src='https://example.com/x'>IFRAMEMARKER</iframe>",
           "<noscript>NOSCRIPTMARKER</noscript>", "<style>.STYLEMARKER{}</style>",
           "<script type='application/ld+json'>{\"headline\": \"SCRIPTMARKER\"}</script>",
       ]), min_size=1, max_size=4),
       with_body=st.booleans())
def test_html_script_and_iframe_text_never_reaches_the_document(paragraphs, hostile, with_body):
    article = "".join(f"<p>{p}</p>{hostile[i % len(hostile)]}" for i, p in enumerate(paragraphs))
    page = f"<html><head><title>Página</title>{hostile[0]}</head>"
    page += f"<body><article>{article}</article></body></html>" if with_body else f"<article>{article}</article></html>"
    outcome = load_bytes(page.encode("utf-8"), "page.html")
    for doc in outcome.documents.values():
        for marker in ("SCRIPTMARKER", "IFRAMEMARKER", "NOSCRIPTMARKER", "STYLEMARKER"):
            assert marker not in doc["text"] and marker not in (doc["title"] or "")


# --- text and Markdown with front matter -------------------------------------------------

front_matter_values = st.one_of(nasty_text, st.integers(), st.dates(), st.none(), st.lists(st.text(max_size=5), max_size=3),
                                st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2))


@BOUNDED
@given(
    meta=st.dictionaries(st.sampled_from(["title", "published", "country", "kind", "id", "sample", "language", "x"]),
                         front_matter_values, max_size=5),
    body=nasty_text, use_front_matter=st.booleans(), bom=st.booleans(), crlf=st.booleans(),
    junk=st.text(alphabet=":-\n\"'{[&*!|>%@`\t", max_size=10), cut=st.integers(0, 10**6),
    name=st.sampled_from(["note.md", "note.txt", "note.markdown"]),
)
def test_text_any_bytes_load_or_fail_cleanly(meta, body, use_front_matter, bom, crlf, junk, cut, name):
    content = body
    if use_front_matter:
        content = "---\n" + yaml.safe_dump(meta, allow_unicode=True) + junk + "\n---\n" + body
    if crlf:
        content = content.replace("\n", "\r\n")
    data = content.encode("utf-8")
    if bom:
        data = b"\xef\xbb\xbf" + data
    data = data[: cut % (len(data) + 1)] if cut else data
    load_bytes(data, name)


@FEWER
@given(title=xml_text.filter(lambda t: "\n" not in t and "\r" not in t), body=real_text.filter(lambda t: not t.lstrip().startswith(("#", "-"))),
       published=dates(), bom=st.booleans(), crlf=st.booleans())
def test_valid_front_matter_loads_exactly(title, body, published, bom, crlf):
    meta = {"title": title, "country": "MX"}
    if published[0]:
        meta["published"] = published[0]
    content = "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body
    if crlf:
        content = content.replace("\n", "\r\n")
    data = (b"\xef\xbb\xbf" if bom else b"") + content.encode("utf-8")
    outcome = load_bytes(data, "note.md")
    assert outcome.result.exit_code == 0, outcome.output
    (doc,) = outcome.documents.values()
    assert doc["title"] == clean(title)
    assert doc["published"] == published[1]
    assert doc["text"] == clean(body.replace("\r\n", "\n"))


# --- the engine ----------------------------------------------------------------------

ENGINE = Engine()
any_string = st.one_of(
    st.text(st.characters(blacklist_categories=())),  # surrogates included
    st.lists(st.sampled_from([
        "soberanía", "sovereignty", "cártel", "terroristas", "designó", "U.S.", "EE.UU.", "Sheinbaum", "said",
        "dijo", "“", "”", '"', "«", "»", "—", ":", "PRESIDENTA CLAUDIA SHEINBAUM PARDO:", "No.", "\n\n", "\n",
        ".", "?", "¿", "a.m.", "Sr.", "ﬁ", "İ", "ß", "\u0301", "\u200b", "\ufeff", "\x00", "\r\n", "\ud800",
        "\U0001d518", "injerencia", "intervención", "military", "invasion", "aranceles", "drones",
    ]) | st.text(max_size=5), max_size=80).map(" ".join),
)


@settings(BOUNDED, max_examples=300)
@given(text=any_string, language=st.sampled_from(["en", "es", None, "", "fr", "zz"]))
@example(text="La soberanía \ud800 no se negocia, dijo la presidenta.", language="es")
def test_engine_never_raises_and_offsets_slice_back(text, language):
    result = ENGINE.analyze(text, language)
    for sentence in result["sentences"]:
        assert 0 <= sentence["start"] <= sentence["end"] <= len(text)
        assert text[sentence["start"]:sentence["end"]] == sentence["text"]
        for hit in sentence["hits"]:
            assert sentence["text"][hit["start"]:hit["end"]] == hit["term"]
        for actor in sentence["actors"]:
            assert 0 <= actor["start"] < actor["end"] <= len(sentence["text"])
    for quote in result["quotes"]:
        assert 0 <= quote["start"] <= quote["end"] <= len(text)
        assert text[quote["start"]:quote["end"]].strip() == quote["text"]
    tagged = ENGINE.tag(text, language or "en")
    for hit in tagged["hits"]:
        assert text[hit["start"]:hit["end"]] == hit["term"]


@settings(BOUNDED, max_examples=25)
@given(texts=st.lists(any_string.map(lambda t: t.replace("\ud800", "")).filter(lambda t: clean(t) != ""),
                      min_size=1, max_size=4))
def test_analyze_on_hostile_documents_offsets_slice_back(texts):
    """`analyze` over loaded hostile documents: frame_hits' document offsets slice the stored text."""
    records = [{"id": f"d{n}", "text": t + " La soberanía no se negocia, dijo Sheinbaum.", "language": "es"}
               for n, t in enumerate(texts)]
    outcome = load_bytes("\n".join(json.dumps(r) for r in records).encode(), "docs.jsonl")
    assert outcome.result.exit_code == 0, outcome.output
    result = CliRunner().invoke(cli, ["analyze", outcome.db_path, "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    db = sqlite_utils.Database(outcome.db_path)
    hits = list(db.execute("select d.text, h.term, h.doc_start, h.doc_end from frame_hits h "
                           "join documents d on d.id = h.document_id").fetchall())
    assert hits  # every document carries a sovereignty phrase
    for text, term, start, end in hits:
        assert text[start:end] == term
    for text, sentence, start, end in db.execute("select d.text, s.text, s.start, s.[end] from sentences s "
                                                 "join documents d on d.id = s.document_id").fetchall():
        assert text[start:end] == sentence


# --- the nasty corpus ------------------------------------------------------------------

def test_malformed_rss_names_the_line():
    outcome = load_file(NASTY / "malformed.rss")
    assert outcome.result.exit_code == 1
    assert error_position(outcome) == "line 11"
    assert "not a well-formed RSS/Atom feed" in outcome.output


def test_malformed_atom_truncated_names_the_line():
    outcome = load_file(NASTY / "malformed.atom")
    assert outcome.result.exit_code == 1
    assert error_position(outcome) == "line 16"
    assert "not a well-formed RSS/Atom feed" in outcome.output


def test_feed_missing_and_far_dates_and_script_in_content():
    outcome = load_file(NASTY / "dates.rss")
    assert outcome.result.exit_code == 0, outcome.output
    docs = outcome.documents
    assert docs["no-date"]["published"] is None
    assert docs["far-past"]["published"] == "0001-01-01T00:00:00+00:00"  # not 2001
    assert docs["far-future"]["published"] == "9999-12-31T23:59:59+00:00"
    assert docs["script-in-content"]["text"] == "The governors spoke about the border.\n\nThey asked for more funding."


def test_feed_html_titles_become_plain_text(tmp_path):
    path = tmp_path / "titles.atom"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>'
        '<entry><id>e1</id><title type="html">A &lt;b&gt;bold&lt;/b&gt; title&lt;script&gt;SCRIPTMARKER&lt;/script&gt;'
        '</title><content type="text">Body text of the entry.</content></entry>'
        '<entry><id>e2</id><title type="text">Plain &lt;b&gt; kept as written</title>'
        '<content type="text">Another body text.</content></entry></feed>')
    outcome = load_file(path)
    assert outcome.documents["e1"]["title"] == "A bold title"
    assert outcome.documents["e2"]["title"] == "Plain <b> kept as written"


def test_page_scripts_and_iframes_stay_out_of_the_text():
    outcome = load_file(NASTY / "scripts.html")
    assert outcome.result.exit_code == 0, outcome.output
    (doc,) = outcome.documents.values()
    assert "El Senado discutió el martes" in doc["text"]
    assert "La sesión se prolongó hasta la noche." in doc["text"]
    assert "El debate continuará la próxima semana" in doc["text"]
    for marker in ("SCRIPTMARKER", "IFRAMEMARKER", "NOSCRIPTMARKER", "STYLEMARKER", "tracking pixel"):
        assert marker not in doc["text"]
    assert doc["country"] == "MX" and doc["language"] == "es"


def test_page_without_body_is_a_clear_error():
    outcome = load_file(NASTY / "no_body.html")
    assert outcome.result.exit_code == 1
    assert outcome.output.startswith(f"Error: {NASTY / 'no_body.html'}: no article text found")


def test_semicolon_csv_with_embedded_newlines():
    outcome = load_file(NASTY / "embedded_newlines_semicolon.csv")
    assert outcome.result.exit_code == 0, outcome.output
    docs = outcome.documents
    assert docs["mx-1"]["title"] == "Debate; en el Senado"
    assert docs["mx-1"]["text"] == ('Primer párrafo sobre la soberanía.\n\n'
                                    'Segundo párrafo; con punto y coma y "comillas".')
    assert docs["mx-1"]["published"] == "2025-02-20"
    assert docs["mx-3"]["title"] == "Tres\nlíneas"
    # A record is found by the line it starts on, embedded newlines counted.
    assert [docs[i]["source_position"] for i in ("mx-1", "mx-2", "mx-3")] == ["line 2", "line 5", "line 6"]
    assert docs["mx-2"]["published"] == "2025-02-21"


def test_latin1_file_needs_and_honours_encoding():
    path = NASTY / "latin1_statements.jsonl"
    refused = load_file(path)
    assert refused.result.exit_code == 1
    assert error_position(refused) == "line 1"
    assert "--encoding latin-1" in refused.output
    loaded = load_file(path, "--encoding", "latin-1")
    assert loaded.result.exit_code == 0, loaded.output
    assert loaded.documents["lat-1"]["text"].startswith("La cancillería señaló que la soberanía")


def test_utf8_bom_and_crlf():
    outcome = load_file(NASTY / "bom_crlf.jsonl")
    assert outcome.result.exit_code == 0, outcome.output
    assert set(outcome.documents) == {"bom-1", "bom-2"}  # the BOM is not part of the first id or key
    assert outcome.documents["bom-2"]["text"].endswith("on the border.\nA second paragraph.")
    markdown = load_file(NASTY / "bom_crlf.md")
    assert markdown.result.exit_code == 0, markdown.output
    (doc,) = markdown.documents.values()
    assert (doc["title"], doc["published"], doc["country"]) == ("Nota con BOM", "2025-02-20", "MX")
    assert doc["text"] == "El texto de la nota llega con fin de línea de Windows.\n\nY un segundo párrafo."


def test_jsonl_truncated_last_line():
    path = NASTY / "truncated_last_line.jsonl"
    refused = load_file(path)
    assert refused.result.exit_code == 1
    assert error_position(refused) == "line 3"
    assert "invalid JSON" in refused.output
    skipped = load_file(path, "--skip-errors")
    assert skipped.result.exit_code == 0
    assert set(skipped.documents) == {"tr-1", "tr-2"}
    assert f"skipped {path}, line 3: invalid JSON" in skipped.output


@pytest.mark.parametrize("name, first, later", [
    ("duplicate_ids.jsonl", "line 1", "line 3"),
    ("duplicate_ids.csv", "line 2", "line 3"),
])
def test_duplicate_ids_in_one_file_later_wins(name, first, later):
    outcome = load_file(NASTY / name)
    assert outcome.result.exit_code == 0, outcome.output
    same = outcome.documents["same" if name.endswith("jsonl") else "x-1"]
    assert same["source_position"] == later
    assert "evening" in same["text"] or "night" in same["text"]
    assert loaded_count(outcome) == len(outcome.documents)


def test_mojibake_is_loaded_as_written():
    outcome = load_file(NASTY / "mojibake.jsonl")
    assert outcome.result.exit_code == 0
    assert outcome.documents["moji-1"]["text"].startswith("La soberanÃ\xada no se negocia")


def test_lone_surrogate_escapes_load_as_replacement_characters():
    lines = ['{"id": "s1", "title": "half an emoji \\ud83d", "text": "The text is fine \\udfff here."}',
             '{"id": "s2", "text": "A real pair \\ud83d\\ude00 stays an emoji."}']
    outcome = load_bytes("\n".join(lines).encode(), "surrogates.jsonl")
    assert outcome.result.exit_code == 0, outcome.output
    assert outcome.documents["s1"]["title"] == "half an emoji \ufffd"
    assert outcome.documents["s1"]["text"] == "The text is fine \ufffd here."
    assert outcome.documents["s2"]["text"] == "A real pair \U0001f600 stays an emoji."
    array = load_bytes(("[" + ",".join(lines) + "]").encode(), "surrogates.json")
    assert array.documents["s1"]["title"] == "half an emoji \ufffd"


def test_hostile_structures_are_refused_by_line():
    cases = {
        "deep.jsonl": ('{"text": "hello there", "x": ' + "[" * 50_000 + "]" * 50_000 + "}\n", "line 1", "nested more than 100"),
        "bigint.jsonl": ('{"text": "hello there", "id": 1' + "0" * 5000 + "}\n", "line 1", "more than 4,300 digits"),
        "deep.json": ("[" * 50_000 + "]" * 50_000, "", "nested more than 100"),
        "laughs.md": ("---\na0: &a0 [" + ",".join(["lol"] * 10) + "]\n"
                      + "".join(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 9))
                      + "---\nBody text here.\n", "", "expands to more than 10,000 values"),
    }
    for name, (content, position, message) in cases.items():
        outcome = load_bytes(content.encode(), name)
        assert outcome.result.exit_code == 1, name
        assert error_position(outcome) == position, outcome.output
        assert message in outcome.output, outcome.output


# --- limits --------------------------------------------------------------------------

def test_default_limits_are_documented_in_help():
    result = CliRunner().invoke(cli, ["load", "--help"])
    assert "--max-record-bytes" in result.output and "[default: 5MB]" in result.output
    assert "--max-file-bytes" in result.output and "[default: 100MB]" in result.output


def test_sizes_are_parsed_and_bad_sizes_refused(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "' + "x" * 2000 + '"}\n')
    assert load_file(path, "--max-record-bytes", "2KB").result.exit_code == 0
    assert load_file(path, "--max-record-bytes", "1KB").result.exit_code == 1
    result = CliRunner().invoke(cli, ["load", str(tmp_path / "t.db"), str(path), "--max-record-bytes", "1.5MB"])
    assert result.exit_code == 2 and "is not a size" in result.output


def test_default_record_limit_refuses_a_6_mb_line_and_skip_errors_goes_on(tmp_path):
    path = tmp_path / "big.jsonl"
    with open(path, "w") as fp:
        fp.write('{"id": "small", "text": "a small record before"}\n')
        fp.write('{"id": "huge", "text": "' + "word " * (6 * 1024 * 1024 // 5) + '"}\n')
        fp.write('{"id": "after", "text": "a small record after"}\n')
    refused = load_file(path)
    assert refused.result.exit_code == 1
    assert error_position(refused) == "line 2"
    assert "larger than the limit of 5 MB (--max-record-bytes)" in refused.output
    skipped = load_file(path, "--skip-errors")
    assert set(skipped.documents) == {"small", "after"}
    assert load_file(path, "--max-record-bytes", "7MB").result.exit_code == 0


@pytest.mark.parametrize("name, content, position", [
    ("rows.csv", "id,text\n1,short\n2," + "y" * 3000 + "\n3,short too\n", "line 3"),
    ("unclosed.csv", 'id,text\n1,short\n2,"never closed ' + "z" * 3000 + "\n3,more\n", "line 3"),
    ("entries.json", json.dumps([{"text": "short"}, {"text": "é" * 1500}]), "entry 2"),
    ("entry.rss", "<rss version='2.0'><channel><item><description>" + "w" * 3000
     + "</description></item></channel></rss>", "entry 1"),
    ("page.html", "<html><body><article><p>" + "Long paragraph words. " * 200 + "</p></article></body></html>", ""),
    ("note.md", "---\ntitle: A note\n---\n" + "v" * 3000, ""),
])
def test_record_limit_in_every_reader(tmp_path, name, content, position):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    outcome = load_file(path, "--max-record-bytes", "2KB")
    assert outcome.result.exit_code == 1
    assert error_position(outcome) == position
    assert "record is larger than the limit of 2,048 bytes (--max-record-bytes)" in outcome.output
    assert load_file(path, "--max-record-bytes", "64KB").result.exit_code == 0


@pytest.mark.parametrize("name, content", [
    ("a.json", json.dumps([{"text": f"record number {n} of the array"} for n in range(200)])),
    ("a.rss", "<rss version='2.0'><channel>" + "<item><description>An entry of the feed.</description></item>" * 200
     + "</channel></rss>"),
    ("a.html", "<html><body><article>" + "<p>A paragraph of the page, long enough to count.</p>" * 200 + "</article></body></html>"),
    ("a.txt", "A line of a long text file.\n" * 300),
])
def test_file_limit_for_formats_read_whole(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content)
    outcome = load_file(path, "--max-file-bytes", "4KB")
    assert outcome.result.exit_code == 1
    assert error_position(outcome) == ""
    assert "larger than the limit of 4,096 bytes for formats read whole" in outcome.output
    assert "--max-file-bytes" in outcome.output
    assert load_file(path).result.exit_code == 0


def test_streamed_formats_ignore_the_file_limit(tmp_path):
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps({"id": str(n), "text": f"line {n} of a stream"}) + "\n" for n in range(300)))
    outcome = load_file(path, "--max-file-bytes", "4KB")
    assert outcome.result.exit_code == 0
    assert len(outcome.documents) == 300


# --- memory: JSON Lines stream -----------------------------------------------------------

WORDS = ("border sovereignty cartel designation tariffs cooperation security troops drones migration "
         "frontera soberanía cártel designación aranceles cooperación seguridad tropas migración "
         "the la de y and said dijo government gobierno president presidenta minister secretaria").split()


def write_generated_jsonl(path, target_bytes):
    """Fill ``path`` from the committed template up to ``target_bytes``; return the record count."""
    template = (NASTY / "large_template.jsonl.tmpl").read_text()
    rng = random.Random(20250220)
    size = count = 0
    with open(path, "w", encoding="utf-8") as fp:
        while size < target_bytes:
            count += 1
            text = " ".join(rng.choice(WORDS) for _ in range(1000)) + f". Record {count}."
            line = template % {"n": count, "text": text, "country": "MX" if count % 2 else "US",
                               "language": "es" if count % 2 else "en", "day": count % 28 + 1}
            fp.write(line)
            size += len(line.encode("utf-8"))
    return count


def peak_rss_of_load(db_path, input_path):
    """Run the real CLI in a child process; its peak resident set size in MB (ru_maxrss)."""
    command = [sys.executable, "-c", "from datasette_framing.cli import cli; cli()", "load", str(db_path), str(input_path), "-q"]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(child.pid, 0)
    output = child.stdout.read().decode()
    child.stdout.close()
    assert os.waitstatus_to_exitcode(status) == 0, output
    return usage.ru_maxrss / 1024  # KB on Linux


def test_jsonl_stream_memory_is_flat_and_50_mb_loads_completely(tmp_path):
    small, large = tmp_path / "10mb.jsonl", tmp_path / "50mb.jsonl"
    write_generated_jsonl(small, 10 * 1024 * 1024)
    records = write_generated_jsonl(large, 50 * 1024 * 1024)
    assert large.stat().st_size >= 50 * 1024 * 1024
    peak_small = peak_rss_of_load(tmp_path / "small.db", small)
    peak_large = peak_rss_of_load(tmp_path / "large.db", large)
    print(f"peak RSS: 10 MB JSONL {peak_small:.0f} MB, 50 MB JSONL {peak_large:.0f} MB ({records} records)")
    # 40 MB more input must not mean anywhere near 40 MB more memory.
    assert peak_large < peak_small + 30
    db = sqlite_utils.Database(tmp_path / "large.db")
    assert db["documents"].count == records
    assert db.execute("select count(*) from documents_fts where documents_fts match 'soberanía'").fetchone()[0] > 0
    assert db.execute(f"select id from documents where source_position = 'line {records}'").fetchone()[0] == f"gen-{records}"

"""The comparison pages through Datasette's test client, on a fixture with known answers."""
import json

import pytest
from datasette.app import Datasette

from datasette_framing import compat


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    from conftest import build_two_sides_db

    path = build_two_sides_db(tmp_path_factory.mktemp("views") / "framing.db")
    return path


@pytest.fixture(scope="module")
def ds(db_path):
    return Datasette([str(db_path)])


async def get_json(ds, path):
    response = await ds.client.get(path)
    assert response.status_code == 200, (path, response.text[:500])
    return response.json()


def prevalence(data, frame):
    return next(r for r in data["prevalence"] if r["frame"] == frame)


async def test_index_links_to_dashboard(ds):
    data = await get_json(ds, "/-/framing.json")
    (database,) = data["databases"]
    assert database["analysed"] and database["dashboard_url"] == "/framing/-/framing"
    html = (await ds.client.get("/-/framing")).text
    assert "Open the side-by-side comparison for framing" in html


async def test_dashboard_known_answers(ds):
    data = await get_json(ds, "/framing/-/framing.json")
    assert data["filters"]["a"] == "US" and data["filters"]["b"] == "MX"
    assert data["sides"]["US"]["documents"] == 4 and data["sides"]["MX"]["documents"] == 4
    sov = prevalence(data, "sovereignty")
    # us-3 (quoting Sheinbaum); mx-1, mx-3, mx-4
    assert (sov["sides"]["US"]["documents"]["k"], sov["sides"]["US"]["documents"]["n"]) == (1, 4)
    assert (sov["sides"]["MX"]["documents"]["k"], sov["sides"]["MX"]["documents"]["n"]) == (3, 4)
    assert sov["sides"]["MX"]["documents"]["small"] is True
    assert sov["documents_test"]["diff"] == pytest.approx(0.25 - 0.75)
    trade = prevalence(data, "economy_trade")
    assert trade["sides"]["US"]["documents"]["k"] == 2 and trade["sides"]["MX"]["documents"]["k"] == 1
    designation = prevalence(data, "terrorist_designation")
    assert designation["sides"]["US"]["documents"]["k"] == 1 and designation["sides"]["MX"]["documents"]["k"] == 0
    # the Wilson interval of 3/4
    low, high = sov["sides"]["MX"]["documents"]["low"], sov["sides"]["MX"]["documents"]["high"]
    assert low == pytest.approx(0.3006, abs=1e-3) and high == pytest.approx(0.9544, abs=1e-3)
    # who is quoted: US coverage quotes a Mexican speaker
    assert any(q["speaker_country"] == "MX" for q in data["quoted"]["US"])
    assert data["stance"]["US"]["none"]["k"] == 3


async def test_filters_change_the_numbers(ds):
    data = await get_json(ds, "/framing/-/framing.json?kind=official")
    assert data["sides"]["US"]["documents"] == 1 and data["sides"]["MX"]["documents"] == 1
    assert prevalence(data, "sovereignty")["sides"]["MX"]["documents"]["k"] == 1
    data = await get_json(ds, "/framing/-/framing.json?from=2025-03-01&to=2025-03-31")
    assert data["sides"]["US"]["documents"] == 1 and data["sides"]["MX"]["documents"] == 1
    data = await get_json(ds, "/framing/-/framing.json?outlet=Fixture+Wire&outlet=Diario+Uno")
    assert data["sides"]["US"]["documents"] == 2 and data["sides"]["MX"]["documents"] == 2
    data = await get_json(ds, "/framing/-/framing.json?language=es")
    assert data["sides"]["US"]["documents"] == 0 and data["sides"]["MX"]["documents"] == 4


async def test_sides_switched(ds):
    data = await get_json(ds, "/framing/-/framing.json?a=MX&b=US")
    sov = prevalence(data, "sovereignty")
    assert sov["documents_test"]["diff"] == pytest.approx(0.75 - 0.25)
    assert data["filters"]["a"] == "MX"


def collect_links(obj, found):
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key in ("k_url", "n_url", "url", "documents_url", "sentences_url") and isinstance(value, str):
                count = obj.get("k") if key == "k_url" else obj.get("n") if key == "n_url" else \
                    obj.get("documents") if key in ("url", "documents_url") else obj.get("sentences")
                if count is not None:
                    found.append((value, count))
            else:
                collect_links(value, found)
    elif isinstance(obj, list):
        for item in obj:
            collect_links(item, found)


async def linked_count(ds, url):
    base, _, query = url.partition("?")
    response = await ds.client.get(base + ".json?" + query + "&_size=max&_shape=objects")
    assert response.status_code == 200, (url, response.text[:300])
    data = response.json()
    if "filtered_table_rows_count" in data:
        return data["filtered_table_rows_count"]
    return len(compat.json_rows(data))


@pytest.mark.parametrize("query", ["", "kind=coverage", "a=MX&b=US&from=2025-02-19&to=2025-02-28",
                                   "outlet=Diario+Uno&outlet=Fixture+Daily", "language=es"])
async def test_every_number_links_to_exactly_its_rows(ds, query):
    data = await get_json(ds, "/framing/-/framing.json?" + query)
    links = []
    collect_links(data, links)
    assert len(links) > 50
    for url, count in links:
        assert await linked_count(ds, url) == count, url


async def test_frame_page(ds):
    data = await get_json(ds, "/framing/-/framing/frames/sovereignty.json")
    assert data["frame"]["slug"] == "sovereignty"
    assert data["prevalence"]["sides"]["MX"]["documents"]["k"] == 3
    texts = [s["text"] for s in data["evidence"]["MX"]]
    assert "La presidenta afirmó que la soberanía no se negocia." in texts
    for sentence in data["evidence"]["MX"] + data["evidence"]["US"]:
        marked = [seg for seg in sentence["segments"] if seg["frame"]]
        assert marked and "".join(seg["text"] for seg in sentence["segments"]) == sentence["text"]
    html = (await ds.client.get("/framing/-/framing/frames/sovereignty")).text
    assert '<mark class="framing-hit"' in html and "soberanía" in html
    links = []
    collect_links(data, links)
    for url, count in links:
        assert await linked_count(ds, url) == count, url
    assert (await ds.client.get("/framing/-/framing/frames/nope")).status_code == 404


async def test_document_page(ds):
    data = await get_json(ds, "/framing/-/framing/documents/mx-1.json")
    assert data["document"]["id"] == "mx-1"
    assert {h["frame"] for h in data["hits"]} >= {"sovereignty", "cooperation"}
    text = data["document"]["text"]
    assert all(text[h["start"]:h["end"]] == h["term"] for h in data["hits"])
    assert data["quotes"][0]["speaker_actor"] == "sheinbaum"
    html = (await ds.client.get("/framing/-/framing/documents/mx-1")).text
    assert 'data-frame="sovereignty"' in html and "framing-legend" in html
    assert (await ds.client.get("/framing/-/framing/documents/missing")).status_code == 404


async def test_methodology_page(ds):
    html = (await ds.client.get("/-/framing/methodology")).text
    assert "How frames are coded" in html and "terrorist_designation" in html
    data = await get_json(ds, "/-/framing/methodology.json")
    assert len(data["codebook"]["frames"]) == 12


@pytest.mark.parametrize("query,message", [
    ("a=XX", "'a'"), ("b=usa", "'b'"), ("a=US&b=US", "different"), ("kind=news", "'kind'"),
    ("from=2025-13-01", "'from'"), ("from=2025-03-01&to=2025-02-01", "after"),
    ("outlet=Nope", "'outlet'"), ("frame=drop%20table", "'frame'"), ("labels=fr", "'labels'"),
    ("language=xx", "'language'"), ("a=US&a=MX", "once"), ("a=%27%3B--", "'a'"),
])
async def test_bad_parameters_get_400(ds, query, message):
    for suffix in ("", ".json"):
        response = await ds.client.get(f"/framing/-/framing{suffix}?{query}")
        assert response.status_code == 400, (query, response.text)
        assert message in response.text


async def test_hostile_values_are_escaped(ds):
    for path in ("/framing/-/framing?language=es", "/framing/-/framing/frames/sovereignty",
                 "/framing/-/framing/documents/mx-4", "/-/framing"):
        html = (await ds.client.get(path)).text
        assert "<script>alert" not in html and "<svg onload" not in html and "<img src=x" not in html, path
    html = (await ds.client.get("/framing/-/framing/documents/mx-4")).text
    assert "&lt;script&gt;alert(" in html and "&lt;img src=x onerror=alert(1)&gt;" in html


async def test_private_database_stays_private(db_path):
    ds = Datasette([str(db_path)], metadata={"databases": {"framing": {"allow": {"id": "editor"}}}})
    for path in ("/framing/-/framing", "/framing/-/framing.json", "/framing/-/framing/frames/sovereignty",
                 "/framing/-/framing/frames/sovereignty.json", "/framing/-/framing/documents/mx-1",
                 "/framing/-/framing/documents/mx-1.json"):
        response = await ds.client.get(path)
        assert response.status_code == 403, path
        assert "soberan" not in response.text and "Diario Uno" not in response.text
    assert (await ds.client.get("/-/framing.json")).json()["databases"] == []
    cookies = {"ds_actor": ds.sign({"a": {"id": "editor"}}, "actor")}
    assert (await ds.client.get("/framing/-/framing.json", cookies=cookies)).status_code == 200


async def test_private_table_hides_document_page(db_path):
    ds = Datasette([str(db_path)], metadata={"databases": {"framing": {"tables": {"documents": {"allow": {"id": "editor"}}}}}})
    assert (await ds.client.get("/framing/-/framing/documents/mx-1.json")).status_code == 403


async def test_menu_and_database_action(ds):
    html = (await ds.client.get("/framing")).text
    assert "/framing/-/framing" in html
    html = (await ds.client.get("/")).text
    assert "/-/framing" in html


async def test_database_without_analysis(tmp_path, fixtures, run_cli):
    path = tmp_path / "loaded.db"
    run_cli("load", path, fixtures / "two_sides.jsonl")
    ds = Datasette([str(path)])
    response = await ds.client.get("/loaded/-/framing")
    assert response.status_code == 404 and "datasette-framing analyze" in response.text
    assert (await ds.client.get("/loaded/-/framing.json")).json()["ok"] is False


async def test_canned_pair_query(ds):
    data = await get_json(ds, "/framing/-/framing.json")
    pairs = data["cooccurrence"]["US"]
    assert pairs
    count = await linked_count(ds, pairs[0]["url"])
    assert count == pairs[0]["documents"]


async def test_pages_work_on_an_immutable_database_with_inspect_data(db_path, tmp_path):
    """The read-only publishing path: `datasette inspect` then `datasette -i ... --inspect-file`."""
    import subprocess, sys, os

    inspect_file = tmp_path / "inspect.json"
    datasette = os.path.join(os.path.dirname(sys.executable), "datasette")
    subprocess.run([datasette, "inspect", str(db_path), "--inspect-file", str(inspect_file)], check=True)
    inspect_data = json.loads(inspect_file.read_text())
    ds = Datasette(immutables=[str(db_path)], inspect_data=inspect_data)
    for path in ("/-/framing.json", "/framing/-/framing.json", "/framing/-/framing",
                 "/framing/-/framing/frames/sovereignty", "/framing/-/framing/documents/mx-1",
                 "/-/framing/methodology"):
        response = await ds.client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
    data = (await ds.client.get("/framing/-/framing.json")).json()
    assert prevalence(data, "sovereignty")["sides"]["MX"]["documents"]["k"] == 3


async def test_methodology_shows_saved_validation_figures(ds, tmp_path, monkeypatch, run_cli):
    """`evaluate --save` writes the figures the methodology page shows."""
    from datasette_framing import views

    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in [
        {"text": "La soberanía no se negocia.", "language": "es", "frames": ["sovereignty"], "tone": "neutral"},
        {"text": "Tariffs rose again.", "language": "en", "frames": ["economy_trade"], "tone": "neutral"},
        {"text": "The weather was mild.", "language": "en", "frames": [], "tone": "neutral"},
    ]) + "\n")
    saved = tmp_path / "validation.json"
    result = run_cli("evaluate", gold, "--save", saved)
    assert result.exit_code == 0, result.output
    monkeypatch.setattr(views, "VALIDATION_FILE", str(saved))
    html = (await ds.client.get("/-/framing/methodology")).text
    assert "micro-F1 <strong>1.000</strong>" in html and "3 sentences" in html
    data = (await ds.client.get("/-/framing/methodology.json")).json()
    assert data["validation"]["sentences"] == 3 and data["validation"]["frames"]["sovereignty"]["f1"] == 1.0


async def test_a_slow_terms_panel_does_not_take_the_page_down(ds, monkeypatch):
    """The distinctive-language panel reads sentence text; if that exceeds sql_time_limit_ms the
    page still answers, with the other panels and a note (found by the 3-million-sentence benchmark)."""
    from datasette.database import QueryInterrupted
    from datasette_framing import dashboard

    def too_slow(reader, filters, language, **kwargs):
        raise QueryInterrupted(Exception("interrupted"), "select text from sentences", [])

    monkeypatch.setattr(dashboard, "distinctive_terms", too_slow)
    page = await ds.client.get("/framing/-/framing")
    assert page.status_code == 200
    assert "Not shown: reading the sentences took longer than this Datasette allows" in page.text
    data = await get_json(ds, "/framing/-/framing.json")
    assert "sql_time_limit_ms" in data["terms"]["skipped"]
    assert prevalence(data, "sovereignty")["sides"]["MX"]["documents"]["k"] == 3


@pytest.mark.parametrize("path", ["/framing/-/framing.json", "/framing/-/framing/frames/sovereignty.json"])
async def test_a_commit_between_two_queries_of_a_page_does_not_mix_two_states(db_path, tmp_path, path):
    """A load or analysis may commit while a page is being computed.  Here another connection
    doubles every count (documents and frame documents, one transaction) just before the page's
    first frame_daily query starts: the page still shows one state, the one before, and the next
    request shows the one after.  Before pages read in one snapshot, this gave k = 6 of n = 4 (a
    500 from the Wilson interval; CI caught it once during test_faults)."""
    import shutil
    import sqlite3
    import types

    from datasette import hookimpl
    from datasette.plugins import pm

    copy = tmp_path / "framing.db"
    shutil.copy(db_path, copy)
    assert sqlite3.connect(copy).execute("pragma journal_mode").fetchone()[0] == "wal"
    fired = []

    def between(statement):
        if fired or "from frame_daily" not in statement:
            return
        fired.append(statement)
        writer = sqlite3.connect(copy)
        with writer:
            writer.execute("update side_daily set documents = documents * 2")
            writer.execute("update frame_daily set documents = documents * 2")
        writer.close()

    @hookimpl
    def prepare_connection(conn):
        conn.set_trace_callback(between)

    plugin = types.ModuleType("test_commit_mid_page")  # Datasette lists plugins by module name
    plugin.prepare_connection = prepare_connection
    pm.register(plugin, name="test-commit-mid-page")
    try:
        ds = Datasette([str(copy)])
        before = await get_json(ds, path)
        after = await get_json(ds, path)
    finally:
        pm.unregister(plugin, name="test-commit-mid-page")
    assert fired, "the writer never ran: the test no longer tests anything"
    sov = lambda data: prevalence(data, "sovereignty") if "prevalence" in data and isinstance(data["prevalence"], list) \
        else data["prevalence"]
    counts = lambda data: (sov(data)["sides"]["MX"]["documents"]["k"], sov(data)["sides"]["MX"]["documents"]["n"])
    assert counts(before) == (3, 4)
    assert counts(after) == (6, 8)


async def test_a_snapshot_query_keeps_datasettes_time_limit(db_path):
    """Queries in a page's snapshot stop at sql_time_limit_ms with Datasette's QueryInterrupted
    (which the terms panel turns into a note), as Database.execute's would."""
    from datasette.database import QueryInterrupted
    from datasette_framing import snapshot

    ds = Datasette([str(db_path)], settings={"sql_time_limit_ms": 20})
    db = ds.get_database()
    slow = "with recursive n(i) as (select 1 union all select i + 1 from n where i < 100000000) select count(*) from n"
    with pytest.raises(QueryInterrupted):
        await snapshot.read(ds, db, lambda reader: reader.execute(slow))
    # the connection is usable afterwards: the transaction was closed
    assert await snapshot.read(ds, db, lambda reader: reader.execute("select count(*) from documents").first()[0]) == 8

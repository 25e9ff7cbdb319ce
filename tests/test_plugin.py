"""The plugin inside a real Datasette, through its test client."""
import pytest
from datasette.app import Datasette

from datasette_framing import compat


@pytest.fixture
def db_path(tmp_path, fixtures, run_cli):
    path = tmp_path / "corpus.db"
    run_cli("load", path, fixtures / "stories.jsonl", fixtures / "statements.json", fixtures / "page.html")
    return path


async def test_plugin_is_installed(db_path):
    ds = Datasette([str(db_path)])
    response = await ds.client.get("/-/plugins.json")
    assert "datasette-framing" in {p["name"] for p in response.json()}


async def test_static_asset_is_served(db_path):
    ds = Datasette([str(db_path)])
    response = await ds.client.get("/-/static-plugins/datasette-framing/framing.css")
    assert response.status_code == 200
    assert ".framing-sample-note" in response.text


async def test_index_counts_by_country_and_kind(db_path):
    ds = Datasette([str(db_path)])
    response = await ds.client.get("/-/framing.json")
    assert response.status_code == 200
    (database,) = response.json()["databases"]
    assert database["name"] == "corpus"
    assert database["documents"] == 6
    assert database["samples"] == 1
    counts = {(r["country"], r["kind"], r["language"]): r["documents"] for r in database["counts"]}
    assert counts == {("MX", "coverage", "es"): 2, ("MX", "official", "es"): 1,
                      ("US", "coverage", "en"): 2, ("US", "official", "en"): 1}
    html = (await ds.client.get("/-/framing")).text
    assert "illustrative sample" in html


async def test_count_links_lead_to_exactly_those_rows(db_path):
    ds = Datasette([str(db_path)])
    (database,) = (await ds.client.get("/-/framing.json")).json()["databases"]
    for row in database["counts"]:
        linked = await ds.client.get(row["url"].replace("?", ".json?", 1) + "&_shape=objects")
        assert linked.status_code == 200
        assert len(compat.json_rows(linked.json())) == row["documents"]


async def test_private_database_stays_private(db_path):
    ds = Datasette([str(db_path)], metadata={"databases": {"corpus": {"allow": {"id": "editor"}}}})
    anonymous = await ds.client.get("/-/framing.json")
    assert anonymous.json()["databases"] == []
    page = await ds.client.get("/-/framing")
    assert "corpus" not in page.text
    cookies = {"ds_actor": ds.sign({"a": {"id": "editor"}}, "actor")}
    allowed = await ds.client.get("/-/framing.json", cookies=cookies)
    assert [d["name"] for d in allowed.json()["databases"]] == ["corpus"]


async def test_private_instance_is_forbidden(db_path):
    ds = Datasette([str(db_path)], metadata={"allow": {"id": "editor"}})
    assert (await ds.client.get("/-/framing.json")).status_code == 403
    assert (await ds.client.get("/-/framing")).status_code == 403


async def test_database_without_framing_tables(tmp_path):
    import sqlite_utils

    other = tmp_path / "other.db"
    sqlite_utils.Database(other)["things"].insert({"a": 1})
    ds = Datasette([str(other)])
    response = await ds.client.get("/-/framing")
    assert response.status_code == 200
    assert "No database here holds framing tables yet" in response.text


async def test_hostile_values_are_escaped(tmp_path, run_cli):
    import json
    path = tmp_path / "evil.jsonl"
    path.write_text(json.dumps({"id": "e1", "text": "x y z", "country": "US", "kind": "coverage",
                                "language": "<script>alert(1)</script>"}) + "\n")
    # the language is rejected by the loader, so hostile values never get that far...
    result = run_cli("load", tmp_path / "e.db", path)
    assert result.exit_code == 1 and "unknown language" in result.output


def test_metadata_describes_every_table_and_column(tmp_path, fixtures, run_cli):
    import sqlite_utils
    import yaml
    from conftest import REPO

    path = tmp_path / "framing.db"
    run_cli("load", path, fixtures / "two_sides.jsonl")
    run_cli("events", path, REPO / "data" / "events.csv")
    run_cli("analyze", path)
    metadata = yaml.safe_load((REPO / "metadata.yml").read_text())
    tables = metadata["databases"]["framing"]["tables"]
    db = sqlite_utils.Database(path)
    missing = []
    for table in db.table_names():
        if table.endswith(("_fts", "_fts_data", "_fts_idx", "_fts_docsize", "_fts_config", "_fts_content")):
            continue
        if table not in tables or not tables[table].get("description"):
            missing.append(table)
            continue
        if tables[table].get("hidden"):
            continue
        described = tables[table].get("columns") or {}
        for column in db[table].columns_dict:
            if column not in described and column not in ("id", "document_id") and not (table, column) == ("actors", "id"):
                missing.append(f"{table}.{column}")
    assert missing == []


async def test_canned_queries_run(tmp_path, fixtures, run_cli):
    """Every canned query in metadata.yml runs on a real database with example parameters."""
    import yaml
    from conftest import REPO

    path = tmp_path / "framing.db"
    run_cli("load", path, fixtures / "two_sides.jsonl")
    run_cli("analyze", path)
    metadata = yaml.safe_load((REPO / "metadata.yml").read_text())
    queries = metadata["databases"]["framing"]["queries"]
    assert len(queries) >= 8
    ds = Datasette([str(path)], metadata=metadata)
    params = {"frame": "sovereignty", "country": "MX", "kind": "coverage", "from": "2025-01-01",
              "to": "2025-12-31", "speaker_country": "MX", "q": "soberanía", "actor": "sheinbaum"}
    for name in list(queries):
        response = await ds.client.get(f"/framing/{name}.json", params=dict(params, _shape="objects"))
        assert response.status_code == 200, (name, response.text[:300])
    rows = (await ds.client.get("/framing/frame_sentences_by_side.json", params=dict(params, _shape="objects"))).json()["rows"]
    assert rows and all("soberan" in r["text"] for r in rows)
    rows = (await ds.client.get("/framing/coverage_quoting_other_side.json",
                                params={"country": "US", "speaker_country": "MX", "_shape": "objects"})).json()["rows"]
    assert [r["document_id"] for r in rows] == ["us-3"]

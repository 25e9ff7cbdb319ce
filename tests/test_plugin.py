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

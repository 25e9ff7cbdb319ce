"""Privacy and injection: permissions on every plugin route, stored XSS, hostile query strings.

The databases are built with the real CLI (load, events, analyze --codebook). The routes
come from the plugin's own ``register_routes`` hook, so a route added later is swept too
(and a route with a URL variable this file has no value for fails ``test_every_route_is_swept``).
"""
import html.parser
import json
import re
import urllib.parse

import pytest
from click.testing import CliRunner
from datasette.app import Datasette
from datasette.utils import tilde_encode
from hypothesis import HealthCheck, given, settings, strategies as st

import datasette_framing
from datasette_framing.cli import cli
from datasette_framing import compat

# Each payload, if it ever ran, would set window.__xss (and most would also open a dialog).
PAYLOADS = [
    "<script>window.__xss=1;alert(1)</script>",
    "<img src=x onerror=\"window.__xss=2;alert(2)\">",
    "\"'><svg onload=window.__xss=3;alert(3)>",
    "'\"><img src=x onerror=window.__xss=4>",
    "</script><script>window.__xss=5</script>",
    "</title></textarea></style><script>window.__xss=6</script>",
    "\" onmouseover=\"window.__xss=7\" x=\"",
    "' autofocus onfocus='window.__xss=8' x='",
    "<iframe srcdoc=\"<script>parent.__xss=9</script>\"></iframe>",
    "<a href=\"javascript:window.__xss=10\">click</a>",
    "{{ 7 * 191 }}{% raw %}",
]
JS_URL = "javascript:window.__xss=11;alert(11)"
# Tags and event-handler attributes a payload would bring if it were not escaped.
PAYLOAD_TAGS = ("script", "img", "svg", "iframe")


def payload(i):
    return PAYLOADS[i % len(PAYLOADS)]


# ---------------------------------------------------------------------------------------------
# Databases built with the real CLI


def run(*args, input=None):
    result = CliRunner().invoke(cli, [str(a) for a in args], input=input)
    assert result.exit_code == 0, result.output
    return result


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def hostile_documents():
    """Documents whose every shown field carries a payload; each sentence also carries a frame term."""
    docs = []
    for i in range(8):
        country = "US" if i % 2 == 0 else "MX"
        english = country == "US"
        p, q = payload(i), payload(i + 3)
        sovereignty = "sovereignty" if english else "soberanía"
        tariffs = "tariffs" if english else "aranceles"
        text = (f"The {sovereignty} claim {p} was repeated. " if english else f"La {sovereignty} {p} se repitió. ")
        text += (f"New {tariffs} {q} hit exports." if english else f"Los {tariffs} {q} afectaron exportaciones.")
        text += (' Sheinbaum said: "Our sovereignty is not negotiable." '
                 if english else ' "La soberanía no se negocia", dijo Sheinbaum. ')
        docs.append({
            "id": f"h-{i}",
            "title": f"Title {payload(i + 1)}",
            "text": text,
            "outlet": f"Outlet {i % 3} {payload(i + 2)}",
            "country": country,
            "kind": "coverage" if i < 6 else "official",
            "language": "en" if english else "es",
            "published": f"2025-02-{10 + i:02d}",
            "author": payload(i + 4),
            "speaker": f"Speaker {payload(i + 5)}",
            "url": JS_URL,
            "sample": i % 2 == 0,
            "restates": payload(i + 6),
        })
    # An id that is itself a payload (ids appear in links and in the document page).
    docs.append(dict(docs[0], id="x\"'><svg onload=window.__xss=12>", text="Sovereignty again <b>bold</b>.",
                     url="JaVaScRiPt:window.__xss=13", title=None))
    return docs


def hostile_codebook():
    """A custom codebook whose labels, definitions, colours and actor names carry payloads."""
    frames = []
    for i, (slug, en, es) in enumerate([("sovereignty", "sovereign*", "soberan*"),
                                        ("economy_trade", "tariff*", "arancel*")]):
        frames.append({
            "slug": slug,
            "label": {"en": f"Label {payload(i)}", "es": f"Etiqueta {payload(i + 2)}"},
            "definition": {"en": f"Definition {payload(i + 4)}", "es": f"Definición {payload(i + 6)}"},
            "color": ["red; background-image: url(https://example.invalid/leak)",
                      "\"><script>window.__xss=14</script>"][i],
            "patterns": {"en": [en], "es": [es]},
        })
    return {
        "name": "hostile " + payload(0),
        "version": payload(1),
        "languages": ["en", "es"],
        "frames": frames,
        "actors": [{"id": "sheinbaum", "name": "Actor " + payload(2), "country": "MX", "type": "person",
                    "role": payload(3), "aliases": ["sheinbaum"]}],
    }


def hostile_events():
    rows = ["id,date,title,description,country"]
    for i in range(3):
        cells = [f"ev-{i}", f"2025-02-{11 + i}", "Event " + payload(i + 7), payload(i + 8), "US"]
        rows.append(",".join('"' + c.replace('"', '""') + '"' for c in cells))
    return "\n".join(rows) + "\n"


def build_hostile_db(directory):
    import yaml

    path = directory / "hostile.db"
    run("load", path, write_jsonl(directory / "hostile.jsonl", hostile_documents()))
    (directory / "events.csv").write_text(hostile_events(), encoding="utf-8")
    run("events", path, directory / "events.csv")
    codebook = directory / "codebook.yml"
    codebook.write_text(yaml.safe_dump(hostile_codebook(), allow_unicode=True), encoding="utf-8")
    run("analyze", path, "--codebook", codebook)
    return path


SECRET = "Quillfeather"  # in every title, outlet, speaker and sentence of the private database


def secret_documents():
    docs = []
    for i in range(6):
        country = "US" if i % 2 == 0 else "MX"
        if country == "US":
            text = (f"{SECRET} reported that tariffs on Mexican goods rose. The {SECRET} desk said sovereignty "
                    f"matters. The State Department designated cartels as foreign terrorist organizations.")
        else:
            text = (f"{SECRET} informó que la soberanía no se negocia. Los aranceles de {SECRET} afectarían "
                    f"las exportaciones. {SECRET} rechazó cualquier intervención militar extranjera.")
        docs.append({"id": f"{SECRET.lower()}-{i}", "title": f"{SECRET} title {i}", "text": text, "outlet": f"{SECRET} Press",
                     "country": country, "kind": "coverage", "language": "en" if country == "US" else "es",
                     "published": f"2025-03-{10 + i:02d}", "speaker": f"{SECRET} Speaker"})
    return docs


def build_secret_db(directory):
    path = directory / "secret.db"
    run("load", path, write_jsonl(directory / "secret.jsonl", secret_documents()))
    run("analyze", path)
    return path


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    return build_hostile_db(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def secret_db(tmp_path_factory):
    return build_secret_db(tmp_path_factory.mktemp("secret"))


@pytest.fixture(scope="module")
def public_db(tmp_path_factory):
    from conftest import build_two_sides_db

    return build_two_sides_db(tmp_path_factory.mktemp("public") / "public.db")


@pytest.fixture(scope="module")
def hostile_ds(hostile_db):
    return Datasette([str(hostile_db)])


# ---------------------------------------------------------------------------------------------
# The routes, from the plugin's register_routes hook


def plugin_routes():
    return [(pattern, view) for pattern, view in datasette_framing.register_routes()]


def _groups(pattern):
    """Named groups of a route pattern as (name, start, end) spans, nested brackets handled."""
    found = []
    for match in re.finditer(r"\(\?P<(\w+)>", pattern):
        depth, i = 0, match.start()
        while True:
            ch = pattern[i]
            if ch == "\\":
                i += 2
                continue
            if ch == "[":  # a character class: skip to its closing bracket
                i = pattern.index("]", i + 2)
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        end = i + 1
        if pattern[end:end + 1] in ("?", "*", "+"):  # an optional group: the value replaces it whole
            end += 1
        found.append((match.group(1), match.start(), end))
    return found


def route_path(pattern, values):
    """A concrete path for a route pattern, each named group replaced by ``values[name]``."""
    groups = _groups(pattern)
    missing = [name for name, _, _ in groups if name not in values]
    assert not missing, f"route {pattern} has URL variables this sweep has no value for: {missing}"
    out, cursor = [], 0
    for name, start, end in groups:
        out.append(pattern[cursor:start])
        out.append(re.escape(values[name]))
        cursor = end
    out.append(pattern[cursor:])
    literal = "".join(out).lstrip("^").rstrip("$")
    path = re.sub(r"\\(.)", r"\1", literal)
    match = re.match(pattern, path)
    assert match, (pattern, path)
    assert {k: v for k, v in match.groupdict().items() if v} == {k: values[k] for k, _, _ in groups if values[k]}
    return path


def route_paths(values, formats=("", ".json")):
    """Every plugin route as a path (each format), with the view that serves it."""
    paths = []
    for pattern, view in plugin_routes():
        names = {name for name, _, _ in _groups(pattern)}
        for fmt in formats if "format" in names else ("",):
            paths.append((route_path(pattern, dict(values, format=fmt)), view, "database" in names))
    return paths


def test_every_route_is_swept():
    paths = route_paths({"database": "db", "slug": "sovereignty", "document_id": "doc-1"})
    assert len(paths) == 2 * len(plugin_routes())
    assert ("/db/-/framing/documents/doc-1.json") in [p for p, _, _ in paths]
    assert ("/-/framing/methodology") in [p for p, _, _ in paths]


# ---------------------------------------------------------------------------------------------
# Stored XSS, in the test client

ALLOWED_HANDLERS = {("select", "onchange", "this.form.submit()")}  # the timeline's frame picker
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcdoc", "data", "poster", "background"}


class ActiveContent(html.parser.HTMLParser):
    """Collects whatever in a page could run script or fetch from elsewhere."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems, self.scripts, self._in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        if tag in ("iframe", "img", "object", "embed", "base", "meta") and tag != "meta" or \
                (tag == "meta" and any(k == "http-equiv" for k, _ in attrs)):
            self.problems.append(f"<{tag}> element {attrs}")
        for name, value in attrs:
            value = value or ""
            plain = re.sub(r"[\s\x00-\x1f]", "", value).lower()
            if name.startswith("on") and (tag, name, value) not in ALLOWED_HANDLERS:
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in ("autofocus", "srcdoc", "formaction"):
                self.problems.append(f"<{tag} {name}>")
            if name in URL_ATTRIBUTES and plain.startswith(("javascript:", "vbscript:", "data:")):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name == "style" and ("url(" in plain or "expression(" in plain or "@import" in plain):
                self.problems.append(f"<{tag} style={value!r}>")
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def assert_inert(page, label):
    """No payload in ``page`` (HTML) is live: no handler, script, javascript: URL or CSS url() it brought."""
    parser = ActiveContent()
    parser.feed(page)
    parser.close()
    assert not parser.problems, (label, parser.problems)
    for script in parser.scripts:
        assert "__xss" not in script, (label, script[:300])
    for p in PAYLOADS + [JS_URL]:
        # A '<' opens markup wherever it stands; a payload of quotes only is inert in text and
        # would show above as a handler or autofocus attribute if it broke out of an attribute.
        if "<" in p:
            assert p not in page, (label, p)
    assert not re.search(r"""(?i)href\s*=\s*["']?\s*javascript:""", page), label
    assert "1337" not in page, (label, "a template expression in the data was evaluated")


async def hostile_pages(ds):
    """(label, path) of every HTML page the plugin serves for the hostile database, and the
    Datasette pages it adds links to."""
    db = ds.get_database("hostile")
    slugs = [r[0] for r in (await db.execute("select slug from frames")).rows]
    ids = [r[0] for r in (await db.execute("select id from documents")).rows]
    outlets = [r[0] for r in (await db.execute("select distinct outlet from documents")).rows]
    queries = ["", "labels=es", "language=es", "terms=en", "kind=official", "frame=economy_trade",
               "a=MX&b=US", urllib.parse.urlencode([("outlet", o) for o in outlets])]
    values = []
    for slug in slugs:
        for document_id in ids:  # encoded as Datasette and the plugin's own links encode them
            values.append({"database": "hostile", "slug": slug, "document_id": tilde_encode(document_id)})
    paths = set()
    for value in values:
        for path, _, _ in route_paths(value, formats=("",)):
            paths.add(path)
    pages = []
    for path in sorted(paths):
        for query in queries:
            pages.append((path + "?" + query, path + ("?" + query if query else "")))
    pages += [("/", "/"), ("/hostile", "/hostile"), ("/hostile/documents", "/hostile/documents")]
    return pages


async def test_stored_payloads_render_inert(hostile_ds):
    pages = await hostile_pages(hostile_ds)
    assert len(pages) > 50
    statuses = {}
    for label, path in pages:
        response = await hostile_ds.client.get(path)
        statuses[label] = response.status_code
        assert response.status_code == 200, (label, response.text[:500])
        assert response.headers["content-type"].startswith("text/html")
        assert_inert(response.text, label)
    # The payloads were really on the pages (escaped), so the check above checked something.
    dashboard = (await hostile_ds.client.get("/hostile/-/framing?labels=es")).text
    assert "Etiqueta &#34;&#39;&gt;&lt;svg onload=window.__xss=3;alert(3)&gt;" in dashboard
    document = (await hostile_ds.client.get("/hostile/-/framing/documents/h-1")).text
    assert "Title &#34;&#39;&gt;&lt;svg onload" in document and "Speaker " in document
    frame = (await hostile_ds.client.get("/hostile/-/framing/frames/sovereignty")).text
    assert "Definition &lt;/script&gt;&lt;script&gt;window.__xss=5" in frame
    assert '<mark class="framing-hit"' in frame


async def test_payloads_in_the_url_render_inert(hostile_ds):
    """Payloads in path segments and query values: 400/404 pages escape them, 200 pages too."""
    for p in PAYLOADS + [JS_URL]:
        quoted = urllib.parse.quote(p, safe="")
        for path in (f"/hostile/-/framing/frames/{quoted}", f"/hostile/-/framing/documents/{quoted}",
                     f"/{quoted}/-/framing"):
            response = await hostile_ds.client.get(path, follow_redirects=True)
            assert response.status_code == 404, (path, response.status_code)
            assert_inert(response.text, path)
        for name in ("a", "b", "kind", "language", "from", "to", "outlet", "frame", "labels", "terms", "zzz"):
            for base in ("/hostile/-/framing", "/hostile/-/framing/frames/sovereignty",
                         "/hostile/-/framing/documents/h-1"):
                path = f"{base}?{name}={quoted}"
                response = await hostile_ds.client.get(path)
                assert response.status_code in (200, 400), (path, response.status_code)
                assert_inert(response.text, path)


async def test_json_is_served_as_json(hostile_ds):
    for path in ("/-/framing.json", "/-/framing/methodology.json", "/hostile/-/framing.json",
                 "/hostile/-/framing/frames/sovereignty.json", "/hostile/-/framing/documents/h-0.json"):
        response = await hostile_ds.client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("application/json"), path
        response.json()


async def test_links_of_the_plugin_reach_its_pages_for_any_database_name(secret_db, tmp_path):
    """Datasette encodes names in URLs (``news.v2`` is ``news~2Ev2``); the routes decode them."""
    import shutil

    path = tmp_path / "news.v2.db"
    shutil.copy(secret_db, path)
    ds = Datasette([str(path)])
    (database,) = (await ds.client.get("/-/framing.json")).json()["databases"]
    assert database["dashboard_url"] == "/news~2Ev2/-/framing"
    data = (await ds.client.get(database["dashboard_url"] + ".json")).json()
    assert data["database"] == "news.v2"
    page = (await ds.client.get("/news~2Ev2/-/framing/frames/sovereignty")).text
    links = re.findall(r'href="(/news~2Ev2/-/framing/documents/[^"]+)"', page)
    assert links
    for link in links:
        response = await ds.client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link


async def test_distinctive_terms_with_a_one_word_vocabulary(secret_db):
    """The secret corpus's Spanish sentences share one frequent word: log-odds have nothing to compare."""
    ds = Datasette([str(secret_db)])
    response = await ds.client.get("/secret/-/framing.json?terms=es")
    assert response.status_code == 200, response.text[-500:]
    terms = response.json()["terms"]
    assert terms["language"] == "es" and terms["US"] == [] and terms["MX"] == []


# ---------------------------------------------------------------------------------------------
# Permissions: every route, each format, for a private database and for private tables

EDITOR = {"id": "editor"}
SECRET_VALUES = {"database": "secret", "slug": "sovereignty", "document_id": SECRET.lower() + "-0"}
PUBLIC_VALUES = {"database": "public", "slug": "sovereignty", "document_id": "mx-1"}
# Routes that may still answer when a table is private because they show nothing from it:
# (view name, private table). Every other route naming the database must answer 403.
# The document page shows the document itself, not rows of ``sentences``.
SHOWS_NOTHING_FROM = {("document_page", "sentences")}


def editor_cookies(ds):
    return {"ds_actor": ds.sign({"a": EDITOR}, "actor")}


def assert_nothing_leaks(response, label, database_hidden=True):
    """No title, outlet, sentence or id of the private database; and, when the whole database is
    hidden, not even a link to it (nor its counts, which come with it)."""
    text = response.text
    assert SECRET.lower() not in text.lower(), (label, response.status_code)
    if database_hidden:
        assert "/secret/" not in text and "/secret\"" not in text and '"secret"' not in text, label
    if response.status_code == 403 and response.headers["content-type"].startswith("application/json"):
        assert set(response.json()) <= {"ok", "error", "status", "title"}, label


def private_ds(public_db, secret_db, metadata):
    return Datasette([str(public_db), str(secret_db)], metadata=metadata)


@pytest.mark.parametrize("metadata", [
    {"databases": {"secret": {"allow": EDITOR}}},
    {"databases": {"secret": {"allow": EDITOR, "allow_sql": EDITOR}}},
], ids=["database", "database-and-sql"])
async def test_private_database_on_every_route(public_db, secret_db, metadata):
    ds = private_ds(public_db, secret_db, metadata)
    for path, view, names_database in route_paths(SECRET_VALUES):
        anonymous = await ds.client.get(path)
        assert anonymous.status_code == (403 if names_database else 200), (path, anonymous.status_code)
        assert_nothing_leaks(anonymous, path)
        allowed = await ds.client.get(path, cookies=editor_cookies(ds))
        assert allowed.status_code == 200, (path, allowed.text[:300])
        if names_database or view.__name__ == "framing_index":
            assert "secret" in allowed.text, path
    # the public database next to it is untouched, and its pages say nothing of the private one
    for path, view, names_database in route_paths(PUBLIC_VALUES):
        response = await ds.client.get(path)
        assert response.status_code == 200, path
        assert_nothing_leaks(response, path)
    index = (await ds.client.get("/-/framing.json")).json()
    assert [d["name"] for d in index["databases"]] == ["public"]
    allowed_index = (await ds.client.get("/-/framing.json", cookies=editor_cookies(ds))).json()
    assert sorted(d["name"] for d in allowed_index["databases"]) == ["public", "secret"]
    secret_counts = next(d for d in allowed_index["databases"] if d["name"] == "secret")
    assert secret_counts["documents"] == 6


async def test_private_database_menu_links_and_actions(public_db, secret_db):
    ds = private_ds(public_db, secret_db, {"databases": {"secret": {"allow": EDITOR}}})
    home = (await ds.client.get("/")).text
    assert 'href="/-/framing"' in home and "/secret" not in home and SECRET not in home
    assert "/public/-/framing" in (await ds.client.get("/public")).text
    assert (await ds.client.get("/secret")).status_code == 403
    database_page = (await ds.client.get("/secret", cookies=editor_cookies(ds))).text
    assert "/secret/-/framing" in database_page and "Compare framing by side" in database_page


async def test_private_instance(public_db, secret_db):
    ds = private_ds(public_db, secret_db, {"allow": EDITOR})
    for values in (SECRET_VALUES, PUBLIC_VALUES):
        for path, view, _ in route_paths(values):
            response = await ds.client.get(path)
            assert response.status_code == 403, path
            assert_nothing_leaks(response, path)
            assert "Framing comparison" not in response.text and "/-/framing\"" not in response.text, path
            assert (await ds.client.get(path, cookies=editor_cookies(ds))).status_code == 200, path
    assert "Framing comparison" in (await ds.client.get("/", cookies=editor_cookies(ds))).text


@pytest.mark.parametrize("table", ["documents", "sentences"])
async def test_private_table_on_every_route(public_db, secret_db, table):
    metadata = {"databases": {"secret": {"tables": {table: {"allow": EDITOR}}, "allow_sql": EDITOR}}}
    ds = private_ds(public_db, secret_db, metadata)
    for path, view, names_database in route_paths(SECRET_VALUES):
        anonymous = await ds.client.get(path)
        if not names_database:
            assert anonymous.status_code == 200, path
            assert_nothing_leaks(anonymous, path, database_hidden=table == "documents")
        elif (view.__name__, table) in SHOWS_NOTHING_FROM:
            assert anonymous.status_code == 200, path
        else:
            assert anonymous.status_code == 403, (path, anonymous.status_code)
            assert_nothing_leaks(anonymous, path)
        assert (await ds.client.get(path, cookies=editor_cookies(ds))).status_code == 200, path
    index = (await ds.client.get("/-/framing.json")).json()
    shown = {d["name"]: d for d in index["databases"]}
    if table == "documents":
        assert "secret" not in shown  # its counts are counts of documents
    else:
        assert shown["secret"]["dashboard_url"] is None  # no link to a page that would answer 403
    database_page = (await ds.client.get("/secret")).text
    assert "Compare framing by side" not in database_page


async def test_sql_functions_reach_no_private_database(public_db, secret_db):
    """The functions compute from their arguments only; a private database's rows stay behind its 403."""
    ds = private_ds(public_db, secret_db, {"databases": {"secret": {"allow": EDITOR}}})
    sql = urllib.parse.quote("select framing_frames(text) as f, framing_hits(text) as h, framing_tone(text) as t, "
                             "framing_language(text) as l from documents")
    assert (await ds.client.get(f"/secret.json?sql={sql}")).status_code == 403
    allowed = await ds.client.get(f"/secret.json?sql={sql}&_shape=array", cookies=editor_cookies(ds))
    assert allowed.status_code == 200 and any(SECRET in row["h"] or row["f"] != "[]" for row in allowed.json())
    public = await ds.client.get(f"/public.json?sql={sql}&_shape=array")
    assert public.status_code == 200 and SECRET not in public.text
    # no function takes a table or database name
    attach = urllib.parse.quote("select framing_frames(title) from secret.documents")
    assert (await ds.client.get(f"/public.json?sql={attach}")).status_code == 400


# ---------------------------------------------------------------------------------------------
# Hostile query strings on every route

INJECT = "xq_inject"  # in the SQL-looking values: it must never reach the text of a query
HOSTILE_VALUES = [
    "", " ", "'", '"', "\\", "%", "_", "*", ";", "\x00", "US\x00", "\x00MX", "\r\nSet-Cookie: x=1", "\t",
    f"{INJECT}' OR '1'='1", f"US'; drop table documents; -- {INJECT}", f") union select * from documents -- {INJECT}",
    f"{INJECT}\" or \"\"=\"", "A" * 3000, "é" * 300, "日本語", "ＵＳ", "us", "U S", "\u202eSU", "😀", "\ufeffUS",
    "NaN", "-1", "0", "1e309", "2025-02-30", "2025-2-1", "20250220", "2025-W08-4", "0000-01-01", "9999-12-31",
    "2025-02-20T00:00:00", "../../../etc/passwd", "[]", "{}", "null", "true", "Fixture Wire ", JS_URL,
] + PAYLOADS[:4]
UNKNOWN_NAMES = ["sort", "page", "_size", "frames", "sides", "zzz", "__proto__", "a[]"]


def parameter_names():
    """Every query-string parameter the views read, found in their source (so a new one is swept too)."""
    import inspect
    from datasette_framing import dashboard, views

    source = inspect.getsource(dashboard.Filters.parse) + inspect.getsource(views)
    return sorted(set(re.findall(r"""(?:\bone|getlist|args\.get)\(\s*["'](\w+)["']""", source)))


def test_parameter_names_are_found():
    assert set(parameter_names()) >= {"a", "b", "kind", "language", "from", "to", "outlet", "frame", "labels", "terms"}


@pytest.fixture
def recorded_sql(monkeypatch):
    """The text of every SQL statement the pages run."""
    from datasette.database import Database

    statements = []
    original = Database.execute

    async def execute(self, sql, *args, **kwargs):
        statements.append(sql)
        return await original(self, sql, *args, **kwargs)

    monkeypatch.setattr(Database, "execute", execute)
    return statements


def check_response(response, path, allowed=(200, 400)):
    assert response.status_code in allowed, (path, response.status_code, response.text[:300])
    if response.headers["content-type"].startswith("application/json"):
        data = response.json()
        if response.status_code == 400:
            assert data["ok"] is False and len(data["error"]) > 10, path
            assert len(response.text) < 2000, (path, "the whole value echoed back")
    else:
        assert_inert(response.text, path)
        if response.status_code == 400:
            message = re.search(r'<div style="padding: 1em[^>]*>(.*?)</div>', response.text, re.S)
            assert message and len(message.group(1).strip()) > 10, path
            assert "'" in message.group(1), (path, "the message names the parameter")
            assert "\x00" not in response.text and len(message.group(1)) < 1000, path


def query(pairs):
    return "&".join(f"{urllib.parse.quote(k, safe='')}={urllib.parse.quote(v, safe='')}" for k, v in pairs)


async def test_every_route_every_parameter_hostile_values(public_db, recorded_sql):
    ds = Datasette([str(public_db)])
    names = parameter_names() + UNKNOWN_NAMES
    paths = route_paths(PUBLIC_VALUES)
    requests, statuses, statements = 0, set(), 0
    for path, _, _ in paths:
        for name in names:
            for value in HOSTILE_VALUES:
                for pairs in ([(name, value)], [(name, value), (name, value)]) if value in ("", "'", "us") \
                        else ([(name, value)],):
                    del recorded_sql[:]
                    url = path + "?" + query(pairs)
                    response = await ds.client.get(url)
                    check_response(response, url)
                    requests += 1
                    statuses.add(response.status_code)
                    statements += len(recorded_sql)
                    assert not any(INJECT in sql for sql in recorded_sql), url
        # every parameter at once, each with the same hostile value
        for value in HOSTILE_VALUES:
            url = path + "?" + query([(name, value) for name in names])
            check_response(await ds.client.get(url), url)
            requests += 1
    assert requests > 4000 and statuses == {200, 400} and statements > requests


@pytest.mark.parametrize("raw", [
    "a=%ff%fe", "a=%", "a=%zz", "=x", "&&&", "a", "a=1=2", "outlet=%00", "from=%C0%AF", "a=US&b=US&a=MX",
    "outlet=" + "&outlet=".join(["Fixture+Wire"] * 60), "kind=" + "x" * 40000, "frame=sovereignty%00",
    "labels=en%0d%0aX-Injected:%201",
])
async def test_malformed_query_strings(public_db, raw):
    ds = Datasette([str(public_db)])
    for path, _, _ in route_paths(PUBLIC_VALUES):
        url = path + "?" + raw
        response = await ds.client.get(url)
        check_response(response, url)
        assert "x-injected" not in response.headers


@pytest.mark.parametrize("name,value,message", [
    ("a", "ZZ", "'a'"), ("a", "us\x00", "'a'"), ("kind", "news", "'kind'"), ("from", "2025-02-30", "'from'"),
    ("to", "tomorrow", "'to'"), ("outlet", "Nowhere <b>", "'outlet'"), ("frame", "x' or 1=1", "'frame'"),
    ("labels", "fr", "'labels'"), ("terms", "xx", "'terms'"), ("language", "../", "'language'"),
    ("a", "A" * 5000, "too long"),
])
async def test_400_names_the_parameter_and_escapes_the_value(public_db, name, value, message):
    ds = Datasette([str(public_db)])
    for suffix in ("", ".json"):
        url = f"/public/-/framing{suffix}?{query([(name, value)])}"
        response = await ds.client.get(url)
        assert response.status_code == 400, url
        assert message in (response.json()["error"] if suffix else response.text), url
        check_response(response, url)
    html_page = (await ds.client.get(f"/public/-/framing?outlet={urllib.parse.quote('Nowhere <b>')}")).text
    assert "unknown outlet &#39;Nowhere &lt;b&gt;&#39;" in html_page or "unknown outlet 'Nowhere &lt;b&gt;'" in html_page


async def test_document_page_validates_labels(public_db):
    ds = Datasette([str(public_db)])
    assert (await ds.client.get("/public/-/framing/documents/mx-1?labels=es")).status_code == 200
    for bad in ("labels=fr", "labels=en&labels=es"):
        response = await ds.client.get(f"/public/-/framing/documents/mx-1.json?{bad}")
        assert response.status_code == 400 and "'labels'" in response.json()["error"]


def test_generated_query_strings(public_db):
    """Random names, values and repetitions on every route: 200 or 400, never a 500."""
    import asyncio

    ds = Datasette([str(public_db)])
    paths = [p for p, _, _ in route_paths(PUBLIC_VALUES)]
    names = st.sampled_from(parameter_names() + UNKNOWN_NAMES) | st.text(max_size=8)
    values = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300) | st.sampled_from(HOSTILE_VALUES)
    loop = asyncio.new_event_loop()
    seen = []

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(path=st.sampled_from(paths), pairs=st.lists(st.tuples(names, values), max_size=6))
    def check(path, pairs):
        url = path + "?" + query(pairs)
        response = loop.run_until_complete(ds.client.get(url))
        check_response(response, url)
        seen.append(response.status_code)

    try:
        check()
    finally:
        loop.close()
    assert len(seen) >= 300 and {200, 400} <= set(seen)


@pytest.mark.parametrize("table", ["documents", "document_frames"])
async def test_canned_pair_query_follows_its_tables(public_db, secret_db, table):
    """The co-occurrence canned query returns titles and outlets: it is offered only to actors
    who may view every table it reads, even when the database is public."""
    ds = private_ds(public_db, secret_db, {"databases": {"secret": {"tables": {table: {"allow": EDITOR}}}}})
    path = ("/secret/framing_documents_with_two_frames.json?frame_a=sovereignty&frame_b=economy_trade"
            "&country=MX&kind=&language=&from=&to=&outlets=")
    anonymous = await ds.client.get(path)
    assert anonymous.status_code == 403, anonymous.status_code
    assert_nothing_leaks(anonymous, path, database_hidden=False)
    assert "framing_documents_with_two_frames" not in (await ds.client.get("/secret")).text
    assert "framing_documents_with_two_frames" in (await ds.client.get("/secret", cookies=editor_cookies(ds))).text
    allowed = await ds.client.get(path, cookies=editor_cookies(ds))
    assert allowed.status_code == 200, allowed.text[:300]
    assert compat.json_rows(allowed.json()), "the allowed actor sees the documents"
    # The public database keeps its canned query.
    assert (await ds.client.get("/public/framing_documents_with_two_frames.json?frame_a=sovereignty"
                                "&frame_b=economy_trade&country=MX&kind=&language=&from=&to=&outlets=")).status_code == 200

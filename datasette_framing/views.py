"""Route handlers for the plugin's pages (each also as .json).

Every handler checks permissions first (instance, then database, then the tables
whose rows it shows), then gathers numbers from :mod:`dashboard`, then renders.
"""
import functools
import json
import os
import urllib.parse

from datasette.utils import tilde_decode, tilde_encode
from markupsafe import Markup, escape
from datasette.utils.asgi import Response, Forbidden, NotFound

from . import compat, dashboard, queries, snapshot

ANALYSIS_TABLES = ("side_daily", "frame_daily", "frames", "sentences", "document_analysis")
# The tables whose rows (or numbers computed from them) each page shows: the actor must be
# allowed to view every one, so a private table stays private through the plugin too.
INDEX_TABLES = ("documents",)
DASHBOARD_TABLES = ("documents", "sentences", "frames", "side_daily", "frame_daily", "pair_daily",
                    "quote_daily", "events")
FRAME_TABLES = ("documents", "sentences", "sentence_frames", "frame_hits", "frames", "side_daily",
                "frame_daily", "events")
DOCUMENT_TABLES = ("documents", "frame_hits", "quotes", "document_analysis", "frames")
VALIDATION_FILE = os.path.join(os.path.dirname(__file__), "validation.json")


def routes():
    return [
        (r"^/-/framing(?P<format>\.json)?$", framing_index),
        (r"^/-/framing/methodology(?P<format>\.json)?$", methodology),
        (r"^/(?P<database>[^/]+)/-/framing(?P<format>\.json)?$", dashboard_page),
        (r"^/(?P<database>[^/]+)/-/framing/frames/(?P<slug>[^/]+?)(?P<format>\.json)?$", frame_page),
        (r"^/(?P<database>[^/]+)/-/framing/documents/(?P<document_id>[^/]+?)(?P<format>\.json)?$", document_page),
    ]


def menu_links(datasette, actor):
    async def inner():
        if await compat.can_view(datasette, actor):
            return [{"href": datasette.urls.path("/-/framing"), "label": "Framing comparison"}]
        return []

    return inner


def database_actions(datasette, actor, database):
    async def inner():
        db = datasette.databases.get(database)
        if db is None or not await can_view_tables(datasette, actor, database, DASHBOARD_TABLES):
            return []
        if not await db.table_exists("side_daily"):
            return []
        return [{"href": datasette.urls.database(database) + "/-/framing", "label": "Compare framing by side"}]

    return inner


def plugin_config(datasette):
    config = datasette.plugin_config("datasette-framing") or {}
    return {k: config.get(k) for k in ("side_a", "side_b", "kind")}


def url_var(request, name):
    """A value from the path, as Datasette encodes it in URLs (``~2E`` for ``.``, and so on)."""
    return tilde_decode(request.url_vars[name])


def wants_json(request):
    return request.url_vars.get("format") == ".json"


async def bad_request(datasette, request, message):
    """A 400 naming the parameter: JSON, or Datasette's error page (the message is escaped there)."""
    if wants_json(request):
        return Response.json({"ok": False, "error": message, "status": 400}, status=400)
    # The message goes into element text, where an apostrophe is inert: the quotes around
    # parameter names stay readable; everything else stays escaped.
    text = Markup(str(escape(message)).replace("&#39;", "'"))
    page = await datasette.render_template(
        "error.html", {"ok": False, "error": text, "status": 400, "title": "Bad request"}, request=request)
    return Response.html(page, status=400)


async def render(datasette, request, template, data):
    if wants_json(request):
        return Response.json(data, default=str)
    return Response.html(await datasette.render_template(template, data, request=request))


async def can_view_tables(datasette, actor, database, tables):
    """The instance, the database and every one of ``tables``."""
    if not await compat.can_view(datasette, actor, database):
        return False
    for table in tables:
        if not await compat.can_view(datasette, actor, database, table):
            return False
    return True


async def visible_framing_databases(datasette, actor):
    """Names of databases (and their documents) the actor may view that hold a ``documents`` table from the loader."""
    names = []
    for name, db in datasette.databases.items():
        if name == "_internal":
            continue
        if not await can_view_tables(datasette, actor, name, INDEX_TABLES):
            continue
        if await db.table_exists("documents") and await db.table_exists("load_runs"):
            names.append(name)
    return names


def table_link(datasette, database, table, filters):
    """Link to a table page filtered to exactly the rows with these values (None = null)."""
    args = []
    for column, value in filters.items():
        if value is None:
            args.append((f"{column}__isnull", "1"))
        else:
            args.append((column, str(value)))
    return datasette.urls.table(database, table) + "?" + urllib.parse.urlencode(args)


async def framing_index(datasette, request):
    if not await compat.can_view(datasette, request.actor):
        raise Forbidden("view-instance")
    databases = []
    for name in await visible_framing_databases(datasette, request.actor):
        db = datasette.get_database(name)
        summary = await queries.corpus_summary(db)
        summary["name"] = name
        summary["url"] = datasette.urls.database(name)
        summary["documents_url"] = datasette.urls.table(name, "documents")
        summary["analysed"] = await db.table_exists("side_daily")
        comparable = summary["analysed"] and await can_view_tables(datasette, request.actor, name, DASHBOARD_TABLES)
        summary["dashboard_url"] = datasette.urls.database(name) + "/-/framing" if comparable else None
        for row in summary["counts"]:
            row["url"] = table_link(
                datasette, name, "documents",
                {"country": row["country"], "kind": row["kind"], "language": row["language"]},
            )
        databases.append(summary)
    data = {"databases": databases, "methodology_url": datasette.urls.path("/-/framing/methodology")}
    return await render(datasette, request, "framing_index.html", data)


async def _framing_database(datasette, request, tables=()):
    """The database named in the URL, after the permission checks; raises NotFound/Forbidden."""
    name = url_var(request, "database")
    if name not in datasette.databases or name == "_internal":
        raise NotFound(f"Database not found: {name}")
    if not await compat.can_view(datasette, request.actor, name):
        raise Forbidden("view-database")
    for table in tables:
        if not await compat.can_view(datasette, request.actor, name, table):
            raise Forbidden("view-table")
    db = datasette.get_database(name)
    analysed = all([await db.table_exists(t) for t in ANALYSIS_TABLES])
    return name, db, analysed


async def not_analysed(datasette, request, name):
    data = {"database": name, "analysed": False,
            "message": "This database has no framing analysis yet. Load documents with "
                       "`datasette-framing load` and run `datasette-framing analyze` on it."}
    if wants_json(request):
        return Response.json(dict(data, ok=False), status=404)
    return Response.html(await datasette.render_template("framing_missing.html", data, request=request), status=404)


def _filters(datasette, request, reader):
    holds = dashboard.context(reader)
    if len(holds["countries"]) < 2:
        raise dashboard.BadRequest(
            "the comparison needs documents from two countries; this database has "
            + (", ".join(holds["countries"]) or "none with a country"))
    filters = dashboard.Filters.parse(
        request.args, holds["countries"], holds["languages"], holds["outlets"],
        [f["slug"] for f in holds["frames"]], plugin_config(datasette),
    )
    return holds, filters


def _labels(frames, language):
    key = "label_es" if language == "es" else "label_en"
    return {f["slug"]: f.get(key) or f.get("label_en") or f["slug"] for f in frames}


def _common(datasette, name, holds, filters):
    labels = _labels(holds["frames"], filters.labels)
    colors = {f["slug"]: f["color"] for f in holds["frames"]}
    return {
        "database": name,
        "filters": filters.as_dict(),
        "holds": holds,
        "labels": labels,
        "colors": colors,
        "dashboard_url": datasette.urls.database(name) + "/-/framing",
        "query": filters.query_args(),
        "query_labels": {lang: filters.query_args(labels=lang) for lang in ("en", "es")},
        "query_swap": filters.query_args(a=filters.b, b=filters.a),
        "frame_url": lambda slug: datasette.urls.database(name) + "/-/framing/frames/"
                                  + urllib.parse.quote(slug) + "?" + filters.query_args(frame=slug),
        "document_url": lambda doc_id: datasette.urls.database(name) + "/-/framing/documents/"
                                       + tilde_encode(str(doc_id)) + "?" + filters.query_args(),
        "methodology_url": datasette.urls.path("/-/framing/methodology"),
    }


async def _comparison(datasette, request, tables, template, gather):
    """A comparison page: permission checks, then the filters and ``gather(reader, links, holds,
    filters)`` in one read snapshot, then the page (or a 400 naming a bad filter)."""
    name, db, analysed = await _framing_database(datasette, request, tables)
    if not analysed:
        return await not_analysed(datasette, request, name)

    def read(reader):
        holds, filters = _filters(datasette, request, reader)
        links = dashboard.Links(datasette, name, filters)
        return holds, filters, gather(reader, links, holds, filters)

    try:
        holds, filters, data = await snapshot.read(datasette, db, read)
    except dashboard.BadRequest as e:
        return await bad_request(datasette, request, str(e))
    if wants_json(request):
        return Response.json(dict(data, database=name, filters=filters.as_dict(), samples=holds["samples"]), default=str)
    context = dict(data, **_common(datasette, name, holds, filters))
    context["svg_chart"] = timeline_chart(data["timeline"], filters)
    return Response.html(await datasette.render_template(template, context, request=request))


async def dashboard_page(datasette, request):
    def gather(reader, links, holds, filters):
        frames = holds["frames"]
        prevalence, sides = dashboard.prevalence(reader, filters, links, frames)
        terms_language = filters.terms or (holds["languages"][0] if holds["languages"] else None)
        return {
            "sides": sides,
            "prevalence": prevalence,
            "timeline": dashboard.timeline(reader, filters, links, filters.frame, (holds["first_day"], holds["last_day"])),
            "stance": dashboard.stance(reader, filters, links),
            "tone": dashboard.tone_by_frame(reader, filters, links, frames),
            "cooccurrence": dashboard.cooccurrence(reader, filters, links),
            "quoted": dashboard.quoted(reader, filters, links),
            "voice": dashboard.voice_by_frame(reader, filters, links, frames),
            "terms": dashboard.distinctive_terms_or_skip(reader, filters, terms_language) if terms_language else None,
            "min_n": dashboard.stats.MIN_N,
        }

    return await _comparison(datasette, request, DASHBOARD_TABLES, "framing_dashboard.html", gather)


async def frame_page(datasette, request):
    slug = url_var(request, "slug")

    def gather(reader, links, holds, filters):
        frame = next((f for f in holds["frames"] if f["slug"] == slug), None)
        if frame is None:
            raise NotFound(f"No frame {slug!r} in this database's codebook")
        filters.frame = slug  # links hold the filters, so theirs now name the frame too
        prevalence, sides = dashboard.prevalence(reader, filters, links, [frame])
        return {
            "frame": frame,
            "sides": sides,
            "prevalence": prevalence[0],
            "timeline": dashboard.timeline(reader, filters, links, slug, (holds["first_day"], holds["last_day"])),
            "evidence": {c: dashboard.evidence(reader, filters, slug, c) for c in filters.sides},
            "outlets": dashboard.outlets_for_frame(reader, filters, links, slug),
        }

    return await _comparison(datasette, request, FRAME_TABLES, "framing_frame.html", gather)


async def document_page(datasette, request):
    name, db, analysed = await _framing_database(datasette, request, tables=DOCUMENT_TABLES)
    document_id = url_var(request, "document_id")

    def read(reader):
        """The document and its analysis from one snapshot: hits always belong to this text."""
        row = reader.execute("select * from documents where id = ?", [document_id]).first()
        if row is None:
            raise NotFound(f"No document {document_id!r}")
        if not analysed:
            return dict(row), [], [], None, []
        hits = [dict(r) for r in reader.execute(
            "select frame, term, doc_start as start, doc_end as end from frame_hits where document_id = ? order by doc_start",
            [document_id]).rows]
        quotes = [dict(r) for r in reader.execute(
            "select type, text, speaker, speaker_actor, speaker_country, verb from quotes where document_id = ? order by start",
            [document_id]).rows]
        found = reader.execute("select * from document_analysis where document_id = ?", [document_id]).first()
        frames = [dict(dict(r), color=dashboard.safe_color(r["color"])) for r in reader.execute(
            "select slug, label_en, label_es, definition_en, definition_es, color from frames order by position").rows]
        return dict(row), hits, quotes, dict(found) if found else None, frames

    document, hits, quotes, analysis, frames = await snapshot.read(datasette, db, read)
    given = request.args.getlist("labels")
    if len(given) > 1 or (given and given[0] not in ("", "en", "es")):
        return await bad_request(datasette, request, "'labels' must be en or es, given once")
    labels_language = given[0] if given and given[0] else "en"
    frame_counts = {}
    for hit in hits:
        frame_counts[hit["frame"]] = frame_counts.get(hit["frame"], 0) + 1
    data = {
        "document": document,
        "analysis": analysis,
        "hits": hits,
        "quotes": quotes,
        "row_url": datasette.urls.row(name, "documents", tilde_encode(document_id)) if hasattr(datasette.urls, "row")
                   else datasette.urls.table(name, "documents") + "/" + tilde_encode(document_id),
    }
    if wants_json(request):
        return Response.json(dict(data, database=name), default=str)
    context = dict(data, database=name, segments=dashboard.highlight(document["text"], hits),
                   labels=_labels(frames, labels_language), colors={f["slug"]: f["color"] for f in frames},
                   legend=[f for f in frames if f["slug"] in frame_counts], frame_counts=frame_counts,
                   dashboard_url=datasette.urls.database(name) + "/-/framing" + (
                       "?" + request.query_string if request.query_string else ""),
                   sentences_url=datasette.urls.table(name, "sentences") + "?" + urllib.parse.urlencode({"document_id": document_id}),
                   labels_language=labels_language, original_url=link_target(document.get("url")))
    return Response.html(await datasette.render_template("framing_document.html", context, request=request))


def link_target(url):
    """``url`` if it is safe to put in an href (http or https), else None: a loaded document's
    url is data, and a ``javascript:`` one would run script when clicked."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    scheme = urllib.parse.urlsplit(url).scheme.lower() if url else ""
    return url if scheme in ("http", "https") else None


@functools.lru_cache(maxsize=1)
def shipped_codebook():
    """The shipped codebook, compiled once (compiling it takes longer than rendering a page)."""
    from .analysis.codebook import load_codebook

    return load_codebook()


def load_validation():
    try:
        with open(VALIDATION_FILE, encoding="utf-8") as fp:
            return json.load(fp)
    except (OSError, ValueError):
        return None


async def methodology(datasette, request):
    if not await compat.can_view(datasette, request.actor):
        raise Forbidden("view-instance")
    codebook = shipped_codebook()
    data = {
        "codebook": {"name": codebook.name, "version": codebook.version, "sha256": codebook.sha256,
                     "frames": [{"slug": f.slug, "labels": f.labels, "definitions": f.definitions, "color": dashboard.safe_color(f.color)}
                                for f in codebook.frames]},
        "validation": load_validation(),
    }
    return await render(datasette, request, "framing_methodology.html", data)


def timeline_chart(timeline, filters, width=720, height=220, margin=36):
    """Coordinates for a two-line SVG chart of the timeline (numbers only; text is escaped by the template)."""
    points = timeline["points"]
    if not points:
        return None
    inner_w, inner_h = width - 2 * margin, height - 2 * margin
    step = inner_w / max(1, len(points) - 1)
    peak = max([p["sides"][c]["share"] or 0 for p in points for c in filters.sides] + [0.05])
    def xy(i, value):
        return round(margin + i * step, 1), round(margin + inner_h - (value / peak) * inner_h, 1)
    series = []
    for c, cls in ((filters.a, "side-a"), (filters.b, "side-b")):
        coords = [xy(i, p["sides"][c]["share"]) for i, p in enumerate(points) if p["sides"][c]["share"] is not None]
        series.append({"country": c, "class": cls, "points": " ".join(f"{x},{y}" for x, y in coords),
                       "dots": [{"x": x, "y": y} for x, y in coords]})
    markers = []
    for event in timeline["events"]:
        for i, p in enumerate(points):
            if p["start"] <= event["date"] <= p["end"]:
                markers.append({"x": round(margin + i * step, 1), "title": f"{event['date']}: {event['title']}"})
                break
    ticks = [{"x": round(margin + i * step, 1), "label": p["bucket"]} for i, p in enumerate(points)
             if len(points) <= 12 or i % max(1, len(points) // 8) == 0]
    return {"width": width, "height": height, "margin": margin, "series": series, "markers": markers,
            "ticks": ticks, "peak": round(peak * 100), "baseline": margin + inner_h}

"""Route handlers for the plugin's pages (HTML and .json)."""
import urllib.parse

from datasette.utils.asgi import Response, Forbidden

from . import compat, queries


def routes():
    return [
        (r"^/-/framing(?P<format>\.json)?$", framing_index),
    ]


def menu_links(datasette, actor):
    async def inner():
        if await compat.can_view(datasette, actor):
            return [{"href": datasette.urls.path("/-/framing"), "label": "Framing comparison"}]
        return []

    return inner


def table_link(datasette, database, table, filters):
    """Link to a Datasette table page filtered to exactly the rows with these values
    (``None`` means the column is null)."""
    args = []
    for column, value in filters.items():
        if value is None:
            args.append((f"{column}__isnull", "1"))
        else:
            args.append((column, str(value)))
    return datasette.urls.table(database, table) + "?" + urllib.parse.urlencode(args)


async def visible_framing_databases(datasette, actor):
    """Names of databases the actor may view that hold a ``documents`` table from the loader."""
    names = []
    for name, db in datasette.databases.items():
        if name == "_internal":
            continue
        if not await compat.can_view(datasette, actor, name):
            continue
        if await db.table_exists("documents") and await db.table_exists("load_runs"):
            names.append(name)
    return names


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
        for row in summary["counts"]:
            row["url"] = table_link(
                datasette, name, "documents",
                {"country": row["country"], "kind": row["kind"], "language": row["language"]},
            )
        databases.append(summary)
    data = {"databases": databases}
    if request.url_vars.get("format") == ".json":
        return Response.json(data)
    return Response.html(
        await datasette.render_template("framing_index.html", data, request=request)
    )

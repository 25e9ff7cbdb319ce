"""Read-side SQL the pages use, each query with bound parameters only."""


async def corpus_summary(db):
    """Document counts by country, kind and language, and whether samples are present."""
    result = await db.execute(
        """
        select country, kind, language, count(*) as documents, sum(sample) as samples
        from documents
        group by country, kind, language
        order by country, kind, language
        """
    )
    rows = [dict(r) for r in result.rows]
    return {
        "counts": rows,
        "documents": sum(r["documents"] for r in rows),
        "samples": sum(r["samples"] or 0 for r in rows),
    }


# The tables the canned queries read: offered only to actors who may see all of them.
CANNED_TABLES = ("document_frames", "documents")


def canned_queries(datasette, database, actor):
    """The plugin's canned query for the co-occurrence drill-down, when the database has an
    analysis.  It returns document titles and outlets, so an actor who may not view every
    table it reads gets it with ``allow: false`` (Datasette answers 403).  Hiding it from
    such an actor instead would break Datasette 0.65, which looks the query up again when it
    checks whether anonymous visitors could see it."""
    from . import compat, dashboard

    async def inner():
        db = datasette.databases.get(database)
        if db is None or not await db.table_exists("document_frames"):
            return {}
        query = {
            "title": "Documents carrying two frames (co-occurrence drill-down)",
            "sql": dashboard.PAIR_QUERY_SQL,
        }
        for table in CANNED_TABLES:
            if not await compat.can_view(datasette, actor, database, table):
                query["allow"] = False
                break
        return {"framing_documents_with_two_frames": query}

    return inner

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

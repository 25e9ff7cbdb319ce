"""Small tables the comparison pages sum instead of scanning sentences.

Rebuilt by ``analyze`` inside its transaction, from the denormalised analysis tables,
one row per (day, country, kind, language, outlet) cell:

- ``side_daily``: documents, sentences, quoted sentences, stance counts, tone sums;
- ``frame_daily``: the same cell and a frame: documents and sentences carrying it,
  quoted sentences, tone sums;
- ``pair_daily``: documents carrying two frames (frame_a < frame_b);
- ``quote_daily``: attributed sentences by speaker country.

Any filter on those five columns sums to exactly the row count of the matching
analysis table (``document_analysis``, ``document_frames``, ``sentence_frames``,
``sentences``), which is where the pages' links lead.
"""

CELL = "day, country, kind, language, outlet"

CUBES = {
    "side_daily": f"""
        select {CELL}, sum(documents) as documents, sum(sentences) as sentences,
          sum(quoted_sentences) as quoted_sentences, sum(supports) as stance_supports,
          sum(opposes) as stance_opposes, sum(neutral) as stance_neutral, sum(none_) as stance_none,
          sum(polarity_sum) as polarity_sum, sum(toned) as toned_sentences
        from (
          select {CELL}, count(*) as documents, sum(sentences) as sentences, 0 as quoted_sentences,
            sum(designation_stance = 'supports') as supports, sum(designation_stance = 'opposes') as opposes,
            sum(designation_stance = 'neutral') as neutral, sum(designation_stance = 'none') as none_,
            0 as polarity_sum, 0 as toned
          from document_analysis group by {CELL}
          union all
          select {CELL}, 0, 0, sum(quote_type is not null), 0, 0, 0, 0,
            total(polarity), count(polarity)
          from sentences group by {CELL}
        ) group by {CELL}
    """,
    "frame_daily": f"""
        select {CELL}, frame, sum(documents) as documents, sum(sentences) as sentences,
          sum(quoted) as quoted_sentences, sum(polarity_sum) as polarity_sum, sum(toned) as toned_sentences
        from (
          select {CELL}, frame, count(*) as documents, 0 as sentences, 0 as quoted, 0 as polarity_sum, 0 as toned
          from document_frames group by {CELL}, frame
          union all
          select {CELL}, frame, 0, count(*), sum(quoted), total(polarity), count(polarity)
          from sentence_frames group by {CELL}, frame
        ) group by {CELL}, frame
    """,
    "pair_daily": """
        select a.day, a.country, a.kind, a.language, a.outlet, a.frame as frame_a, b.frame as frame_b,
          count(*) as documents
        from document_frames a join document_frames b on a.document_id = b.document_id and a.frame < b.frame
        group by a.day, a.country, a.kind, a.language, a.outlet, a.frame, b.frame
    """,
    "quote_daily": f"""
        select {CELL}, speaker_country, count(*) as sentences
        from sentences where quote_type is not null
        group by {CELL}, speaker_country
    """,
}


def rebuild(db):
    """Recreate the cubes from the analysis tables (call inside a transaction)."""
    for name, sql in CUBES.items():
        db.execute(f"drop table if exists [{name}]")
        db.execute(f"create table [{name}] as {sql}")
        db.execute(f"create index [idx_{name}_side] on [{name}] (country, kind, day)")

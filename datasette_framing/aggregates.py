"""Small tables the comparison pages sum instead of scanning sentences.

Kept up to date by ``analyze`` inside its transaction (``Cubes``: documents counted in as
they are written, out before they are re-analysed; ``rebuild`` regroups everything, for
databases analysed before that), one row per (day, country, kind, language, outlet) cell:

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


CELL_FIELDS = tuple(CELL.split(", "))
MEASURES = {
    "side_daily": ("documents", "sentences", "quoted_sentences", "stance_supports", "stance_opposes",
                   "stance_neutral", "stance_none", "polarity_sum", "toned_sentences"),
    "frame_daily": ("documents", "sentences", "quoted_sentences", "polarity_sum", "toned_sentences"),
    "pair_daily": ("documents",),
    "quote_daily": ("sentences",),
}
KEYS = {"side_daily": (), "frame_daily": ("frame",), "pair_daily": ("frame_a", "frame_b"),
        "quote_daily": ("speaker_country",)}
STANCES = {"supports": 3, "opposes": 4, "neutral": 5, "none": 6}  # positions in side_daily's measures
class Cubes:
    """The cubes kept up to date while ``analyze`` writes, instead of regrouping every
    analysis row at the end of each run.

    ``add`` counts a document's new rows in; ``remove`` counts the rows of an earlier
    analysis out before they are deleted; ``write`` merges the changes into the cube tables.
    The result equals ``rebuild`` (tested), at the cost of the documents that changed.
    """

    def __init__(self, db, row_columns, fresh):
        self.db = db
        self.index = {table: {c: i for i, c in enumerate(columns)} for table, columns in row_columns.items()}
        self.fresh = fresh  # no earlier analysis survives this run: start from empty cubes
        self.delta = {name: {} for name in CUBES}

    def _bump(self, cube, key, values):
        cells = self.delta[cube]
        current = cells.get(key)
        if current is None:
            cells[key] = list(values)
        else:
            for i, value in enumerate(values):
                current[i] += value

    def _count_document(self, cell, sentences_total, stance, sentences, frames, sentence_frames, sign):
        """One document's contribution; every row of a document shares its cell.

        ``sentences``: (polarity, quote_type, speaker_country) per sentence; ``frames``: the
        document's frames; ``sentence_frames``: (frame, quoted, polarity) per sentence x frame.
        """
        quoted = toned = 0
        polarity_sum = 0.0
        speakers = {}
        for polarity, quote_type, speaker_country in sentences:
            if quote_type is not None:
                quoted += 1
                speakers[speaker_country] = speakers.get(speaker_country, 0) + 1
            if polarity is not None:
                polarity_sum += polarity
                toned += 1
        side = [sign, sign * (sentences_total or 0), sign * quoted, 0, 0, 0, 0, sign * polarity_sum, sign * toned]
        position = STANCES.get(stance)
        if position is not None:
            side[position] = sign
        self._bump("side_daily", cell, side)
        for speaker_country, count in speakers.items():
            self._bump("quote_daily", cell + (speaker_country,), (sign * count,))
        per_frame = {frame: [sign, 0, 0, 0.0, 0] for frame in frames}
        for frame, is_quoted, polarity in sentence_frames:
            values = per_frame.setdefault(frame, [0, 0, 0, 0.0, 0])
            values[1] += sign
            values[2] += sign * (is_quoted or 0)
            if polarity is not None:
                values[3] += sign * polarity
                values[4] += sign
        for frame, values in per_frame.items():
            self._bump("frame_daily", cell + (frame,), values)
        ordered = sorted(frames)
        for i, first in enumerate(ordered):
            for second in ordered[i + 1:]:
                self._bump("pair_daily", cell + (first, second), (sign,))

    def add(self, rows):
        """A document's new rows (table -> tuples in the writer's column order)."""
        a, s, f, sf = (self.index[t] for t in ("document_analysis", "sentences", "document_frames", "sentence_frames"))
        [analysis] = rows["document_analysis"]
        cell = tuple(analysis[a[c]] for c in CELL_FIELDS)
        self._count_document(
            cell, analysis[a["sentences"]], analysis[a["designation_stance"]],
            [(r[s["polarity"]], r[s["quote_type"]], r[s["speaker_country"]]) for r in rows["sentences"]],
            [r[f["frame"]] for r in rows["document_frames"]],
            [(r[sf["frame"]], r[sf["quoted"]], r[sf["polarity"]]) for r in rows["sentence_frames"]], 1)

    def remove(self, ids):
        """Count out the stored analysis of these documents (call before deleting it)."""
        if self.fresh or not ids:
            return
        placeholders = ",".join("?" for _ in ids)

        def read(table, columns):
            by_document = {}
            for row in self.db.execute(
                    f"select document_id, {', '.join(columns)} from [{table}] where document_id in ({placeholders})",
                    ids):
                by_document.setdefault(row[0], []).append(tuple(row[1:]))
            return by_document

        analyses = read("document_analysis", ("sentences", "designation_stance") + CELL_FIELDS)
        if not analyses:
            return  # never analysed: nothing to count out
        sentences = read("sentences", ("polarity", "quote_type", "speaker_country"))
        frames = read("document_frames", ("frame",))
        sentence_frames = read("sentence_frames", ("frame", "quoted", "polarity"))
        for doc_id, [(total, stance, *cell)] in analyses.items():
            self._count_document(tuple(cell), total, stance, sentences.get(doc_id, ()),
                                 [r[0] for r in frames.get(doc_id, ())], sentence_frames.get(doc_id, ()), -1)

    def write(self):
        """Merge the counted changes into the cube tables (inside the run's transaction).

        A fresh run writes the cubes whole; an incremental one updates only the cells its
        documents touched, so its cost follows the change, not the database.
        """
        for name in CUBES:
            keys = CELL_FIELDS + KEYS[name]
            measures = MEASURES[name]
            if self.fresh or not self.db[name].exists():
                self.db.execute(f"drop table if exists [{name}]")
                self.db.execute(f"create table [{name}] ({', '.join(f'[{c}]' for c in keys + measures)})")
                self.db.conn.executemany(
                    f"insert into [{name}] values ({', '.join('?' for _ in keys + measures)})",
                    (key + values for key, values in self._rounded(name) if any(values)))
                self.db.execute(f"create index [idx_{name}_side] on [{name}] (country, kind, day)")
                continue
            match = " and ".join(f"[{k}] is ?" for k in keys)
            update = (f"update [{name}] set " + ", ".join(f"[{m}] = coalesce([{m}], 0) + ?" for m in measures)
                      + f" where {match}")
            insert = f"insert into [{name}] values ({', '.join('?' for _ in keys + measures)})"
            for key, values in self._rounded(name):
                if self.db.conn.execute(update, values + key).rowcount == 0:
                    self.db.conn.execute(insert, key + values)
            # Cells whose every counted row is gone.
            empty = " and ".join(f"round(coalesce([{m}], 0), 9) = 0" for m in measures)
            self.db.execute(f"delete from [{name}] where {empty}")

    def _rounded(self, name):
        """(key, values) of each changed cell, tone sums rounded (the only float measures):
        adding and subtracting the same floats leaves dust like 1e-17 where there was 0."""
        floats = [i for i, measure in enumerate(MEASURES[name]) if measure == "polarity_sum"]
        for key, values in self.delta[name].items():
            values = tuple(values)
            if floats:
                values = tuple(round(v, 9) if i in floats else v for i, v in enumerate(values))
            yield key, values

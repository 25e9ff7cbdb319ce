"""Run the engine over a database's documents and write its tables, atomically.

Incremental: a document is (re)analysed when it has no analysis yet, or its text,
language or the codebook changed since; ``all_documents`` redoes every one.  All
writes of a run happen in one transaction, so readers (Datasette in WAL mode) see
either the previous analysis or the new one, never half of it.
"""
from dataclasses import dataclass
import json
import marshal
import multiprocessing
import os

from . import aggregates, store
from .analysis.codebook import load_codebook
from .analysis.pipeline import Engine, ENGINE_VERSION

BATCH = 200


class AnalyzeError(Exception):
    pass


@dataclass
class AnalyzeReport:
    run_id: int
    documents: int
    sentences: int
    removed: int
    skipped: int


def pending_documents(db, codebook, all_documents):
    """Ids (in rowid order) of the documents this run must analyse.

    Exact duplicates (``duplicate_of``) are not analysed: their first copy stands for them.
    """
    columns = "id, text_hash, country, kind, language, outlet, published"
    rows = db.execute(f"select {columns} from documents where duplicate_of is null order by rowid")
    names = columns.split(", ")
    if all_documents or not db["document_analysis"].exists():
        return [r[0] for r in rows]
    done = {r[0]: (r[1], r[2]) for r in db.execute(
        "select document_id, meta_hash, codebook_sha256 from document_analysis")}
    pending = []
    for r in rows:
        row = dict(zip(names, r))
        if done.get(row["id"]) != (store.meta_hash(row), codebook.sha256):
            pending.append(row["id"])
    return pending


_worker_engine = None

# Sentence ids are derived from the document's rowid and the sentence's position, so any
# worker can compute them alone and a parallel (or distributed) run writes exactly the
# rows a serial run writes.
SENTENCE_ID_STRIDE = 1 << 20

DOCUMENT_COLUMNS = ("rowid", "id", "text", "language", "text_hash", "country", "kind", "outlet", "published")

ROW_COLUMNS = {
    "sentences": ("id", "document_id", "position", "start", "end", "text", "polarity", "subjectivity",
                  "frames", "frame_count", "quote_type", "speaker", "speaker_actor", "speaker_country",
                  "country", "kind", "language", "outlet", "day", "analysis_run"),
    "frame_hits": ("sentence_id", "document_id", "frame", "term", "start", "end", "doc_start", "doc_end"),
    "sentence_frames": ("sentence_id", "document_id", "frame", "quoted", "speaker_country", "polarity",
                        "country", "kind", "language", "outlet", "day"),
    "sentence_actors": ("sentence_id", "document_id", "actor_id", "start", "end"),
    "document_frames": ("document_id", "frame", "sentences", "share", "country", "kind", "language", "outlet", "day"),
    "quotes": ("document_id", "type", "start", "end", "text", "speaker", "speaker_actor", "speaker_country",
               "verb", "analysis_run"),
    "document_analysis": ("document_id", "analysis_run", "text_hash", "meta_hash", "codebook_sha256", "sentences",
                          "frames", "designation_stance", "stance_supports", "stance_opposes", "polarity",
                          "subjectivity", "quotes", "country", "kind", "language", "outlet", "day"),
}
INSERT_SQL = {
    table: ("insert or replace" if table == "sentence_actors" else "insert")
    + f" into [{table}] ({', '.join(f'[{c}]' for c in columns)}) values ({', '.join('?' for _ in columns)})"
    for table, columns in ROW_COLUMNS.items()
}


WORKER_NICENESS = 10  # how much lower the analysing processes run than the writer


def _init_worker(codebook_path):
    """Set up a worker. Forked workers inherit the compiled engine; others compile their own.

    A worker runs at a lower priority than the process that writes: with two workers beside it
    on two cores, the writer's batch writes took twice their time alone (8,000 documents: 3.8 s
    against 1.9 s; with the workers at niceness 19, 2.25 s)."""
    global _worker_engine
    os.nice(WORKER_NICENESS)
    if _worker_engine is None or _worker_engine.codebook.path != codebook_path:
        _worker_engine = Engine.from_path(codebook_path)


def document_rows(engine, document, run_id):
    """Every row the analysis writes for one document, ready for executemany."""
    result = engine.analyze(document["text"], document["language"])
    doc_id = document["id"]
    side = store.document_side(document)
    side_values = tuple(side[k] for k in store.SIDE_FIELDS)
    base = document["rowid"] * SENTENCE_ID_STRIDE
    rows = {table: [] for table in ROW_COLUMNS}
    total = len(result["sentences"])
    if total >= SENTENCE_ID_STRIDE:
        raise AnalyzeError(f"document {doc_id!r} has more than {SENTENCE_ID_STRIDE - 1} sentences")
    for s in result["sentences"]:
        sid = base + s["position"]
        rows["sentences"].append((
            sid, doc_id, s["position"], s["start"], s["end"], s["text"], s["polarity"], s["subjectivity"],
            json.dumps(s["frames"]), len(s["frames"]), s["quote_type"], s["speaker"], s["speaker_actor"],
            s["speaker_country"]) + side_values + (run_id,))
        for h in s["hits"]:
            rows["frame_hits"].append((sid, doc_id, h["frame"], h["term"], h["start"], h["end"],
                                       s["start"] + h["start"], s["start"] + h["end"]))
        quoted = 1 if s["quote_type"] else 0
        for frame in s["frames"]:
            rows["sentence_frames"].append((sid, doc_id, frame, quoted, s["speaker_country"], s["polarity"]) + side_values)
        for a in s["actors"]:
            rows["sentence_actors"].append((sid, doc_id, a["actor"], a["start"], a["end"]))
    for frame, count in result["frames"].items():
        rows["document_frames"].append((doc_id, frame, count, round(count / total, 4) if total else None) + side_values)
    for q in result["quotes"]:
        rows["quotes"].append((doc_id, q["type"], q["start"], q["end"], q["text"], q["speaker"], q["speaker_actor"],
                               q["speaker_country"], q["verb"], run_id))
    rows["document_analysis"].append((
        doc_id, run_id, document["text_hash"], store.meta_hash(document), engine.codebook.sha256, total,
        json.dumps(sorted(result["frames"])), result["stance"], result["stance_cues"]["supports"],
        result["stance_cues"]["opposes"], result["polarity"], result["subjectivity"], len(result["quotes"]),
    ) + side_values)
    return doc_id, rows


def analyze(db, codebook_path=None, workers=1, all_documents=False, progress=None, dask_scheduler=None):
    """Analyse pending documents of ``db``; ``progress(n)`` is called after each document.

    ``dask_scheduler`` (an address, or a ``dask.distributed.Client``) sends the analysis to a
    Dask cluster instead of local processes; this process still writes every row.
    """
    codebook = load_codebook(codebook_path)
    if not db["documents"].exists():
        raise AnalyzeError("the database has no documents table: load documents first")
    engine = Engine(codebook)
    if dask_scheduler is not None:
        from . import dask_analysis

        owned = isinstance(dask_scheduler, str)
        client = dask_analysis.connect(dask_scheduler) if owned else dask_scheduler
        try:
            report = _run(db, codebook, engine, None, workers, all_documents, progress, client)
            store.checkpoint(db)
            return report
        finally:
            if owned:
                client.close()
    pool = None
    if workers > 1:
        # Fork before the transaction fills this process's memory: pages written after a
        # fork are copied on write, which made the writer slower than the workers gained.
        global _worker_engine
        _worker_engine = engine  # inherited by the forked workers: no second compile
        pool = multiprocessing.get_context("fork").Pool(
            workers, initializer=_init_worker, initargs=(codebook.path,))
    try:
        report = _run(db, codebook, engine, pool, workers, all_documents, progress)
        store.checkpoint(db)
        return report
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()


def _run(db, codebook, engine, pool, workers, all_documents, progress, client=None):
    # A larger page cache keeps index pages of big tables in memory during the writes.
    db.execute("pragma cache_size = -262144")
    with db.atomic():
        store.ensure_analysis_schema(db)
        pending = pending_documents(db, codebook, all_documents)
        run_id = db["analysis_runs"].insert({
            "started": store.now(), "codebook_name": codebook.name, "codebook_version": codebook.version,
            "codebook_sha256": codebook.sha256, "codebook_path": codebook.path,
            "engine_version": ENGINE_VERSION, "workers": workers, "all_documents": int(bool(all_documents)),
        }).last_pk
        _write_codebook(db, codebook)
        triggers = store.suspend_fts_triggers(db, "sentences")
        # No earlier analysis survives a run over every document: its cubes start empty.
        fresh = all_documents or not db.execute("select 1 from document_analysis limit 1").fetchone()
        cubes = aggregates.Cubes(db, ROW_COLUMNS, fresh)
        removed = _remove_orphans(db, cubes)
        writer = _AnalysisWriter(db, cubes)
        if client is not None:
            from .dask_analysis import analyze_on_cluster

            analyze_on_cluster(client, codebook, _document_chunks(db, pending, size=2000), run_id, writer, progress)
        elif pool is not None and len(pending) > 1:
            _analyze_in_parallel(db, pool, run_id, pending, workers, writer, progress)
        else:
            for chunk in _document_chunks(db, pending):
                for document in chunk:
                    writer.add(*document_rows(engine, dict(zip(DOCUMENT_COLUMNS, document)), run_id))
                    if progress:
                        progress(1)
        writer.flush()
        for sql in triggers:
            db.execute(sql)
        if fresh or all(db[name].exists() for name in aggregates.CUBES):
            cubes.write()
        else:
            aggregates.rebuild(db)  # a database analysed before the cubes were kept up to date
        db["analysis_runs"].update(run_id, {
            "finished": store.now(), "documents": writer.documents, "sentences": writer.sentences,
            "removed": removed,
        })
    return AnalyzeReport(run_id, writer.documents, writer.sentences, removed, 0)


TASK_SIZE = 32  # documents per task sent to a worker process
AHEAD_PER_WORKER = 64  # tasks queued per worker: enough to outlast a batch write
READ_CHUNK = 2000  # documents read from the database at a time


def _analyze_many(documents, run_id):
    """The rows of a task's documents, marshalled: the writer reads marshal's bytes in a third
    of the time pickle's take (the rows are tuples of strings and numbers only)."""
    return marshal.dumps([document_rows(_worker_engine, dict(zip(DOCUMENT_COLUMNS, d)), run_id) for d in documents])


def _analyze_in_parallel(db, pool, run_id, pending, workers, writer, progress):
    """N worker processes analyse; this process only reads documents and writes rows.

    Measured on 2 cores (8,000 documents): N workers plus a writer that waits for them is
    1.46x one process, where N - 1 workers plus a writer that also analysed when idle was
    1.14x: analysing in the writer delayed the writes the workers' results were queued for.
    Tasks of 32 documents (not 8) cut the pool's per-task cost in this process, and a queue
    that runs on across the reading chunks (not drained at the end of each) keeps the
    workers busy while a batch is written: 1.55x instead of 1.36x on the same 8,000 (medians
    of three runs each).
    """
    from collections import deque
    import itertools

    ahead = AHEAD_PER_WORKER * workers
    # Documents are read here, in the writer's thread, a chunk at a time (each chunk is a
    # list before any row is written, so no read cursor stays open across the writes).
    documents = (document for chunk in _document_chunks(db, pending, size=READ_CHUNK) for document in chunk)
    running = deque()

    def submit():
        while len(running) < ahead:
            task = list(itertools.islice(documents, TASK_SIZE))
            if not task:
                return
            running.append(pool.apply_async(_analyze_many, (task, run_id)))

    submit()
    while running:
        for doc_id, rows in marshal.loads(running.popleft().get()):
            writer.add(doc_id, rows)
            if progress:
                progress(1)
        submit()


def _document_chunks(db, ids, size=500):
    """Lists of DOCUMENT_COLUMNS tuples, ``size`` documents at a time, in ``ids`` order."""
    columns = ", ".join(DOCUMENT_COLUMNS)
    for start in range(0, len(ids), size):
        chunk = ids[start:start + size]
        placeholders = ",".join("?" for _ in chunk)
        rows = {r[1]: r for r in db.execute(
            f"select {columns} from documents where id in ({placeholders})", chunk)}
        yield [tuple(rows[doc_id]) for doc_id in chunk if doc_id in rows]


def _write_codebook(db, codebook):
    db.execute("delete from frames")
    db["frames"].insert_all(
        {"slug": f.slug, "position": i, "label_en": f.labels.get("en"), "label_es": f.labels.get("es"),
         "definition_en": f.definitions.get("en"), "definition_es": f.definitions.get("es"),
         "color": f.color, "codebook": codebook.name}
        for i, f in enumerate(codebook.frames)
    )
    db.execute("delete from actors")
    db["actors"].insert_all(codebook.actors)


def _remove_orphans(db, cubes):
    """Analysis rows of documents that are gone from ``documents`` or are now exact duplicates."""
    orphans = [r[0] for r in db.execute(
        """select document_id from document_analysis where document_id not in
           (select id from documents where duplicate_of is null)""")]
    _delete_analysis(db, orphans, cubes)
    return len(orphans)


def _delete_analysis(db, ids, cubes):
    """Remove the analysis rows of these documents (sentence triggers suspended)."""
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        cubes.remove(chunk)
        placeholders = ",".join("?" for _ in chunk)
        db.execute(
            "insert into sentences_fts (sentences_fts, rowid, text) "
            f"select 'delete', id, text from sentences where document_id in ({placeholders})", chunk)
        for table in store.ANALYSIS_TABLES:
            db.execute(f"delete from [{table}] where document_id in ({placeholders})", chunk)


class _AnalysisWriter:
    """Collects per-document rows and writes them in batches, replacing earlier analyses."""

    def __init__(self, db, cubes):
        self.db = db
        self.cubes = cubes
        self.documents = 0
        self.sentences = 0
        self.pending = []

    def add(self, doc_id, rows):
        self.pending.append((doc_id, rows))
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self):
        if not self.pending:
            return
        ids = [doc_id for doc_id, _ in self.pending]
        _delete_analysis(self.db, ids, self.cubes)
        for _, rows in self.pending:
            self.cubes.add(rows)
        for table, sql in INSERT_SQL.items():
            batch = [row for _, rows in self.pending for row in rows[table]]
            if batch:
                self.db.conn.executemany(sql, batch)
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            placeholders = ",".join("?" for _ in chunk)
            self.db.execute(
                f"insert into sentences_fts (rowid, text) select id, text from sentences "
                f"where document_id in ({placeholders})", chunk)
        self.documents += len(self.pending)
        self.sentences += sum(len(rows["sentences"]) for _, rows in self.pending)
        self.pending = []

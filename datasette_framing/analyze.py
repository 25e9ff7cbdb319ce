"""Run the engine over a database's documents and write its tables, atomically.

Incremental: a document is (re)analysed when it has no analysis yet, or its text,
language or the codebook changed since; ``all_documents`` redoes every one.  All
writes of a run happen in one transaction, so readers (Datasette in WAL mode) see
either the previous analysis or the new one, never half of it.
"""
from dataclasses import dataclass
import json
import multiprocessing

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


def _init_worker(codebook_path):
    global _worker_engine
    _worker_engine = Engine.from_path(codebook_path)


def _analyze_one(item):
    doc_id, text, language = item
    return doc_id, _worker_engine.analyze(text, language)


def analyze(db, codebook_path=None, workers=1, all_documents=False, progress=None):
    """Analyse pending documents of ``db``; ``progress(n)`` is called after each document."""
    codebook = load_codebook(codebook_path)
    if not db["documents"].exists():
        raise AnalyzeError("the database has no documents table: load documents first")
    with db.atomic():
        store.ensure_analysis_schema(db)
        pending = pending_documents(db, codebook, all_documents)
        run_id = db["analysis_runs"].insert({
            "started": store.now(), "codebook_name": codebook.name, "codebook_version": codebook.version,
            "codebook_sha256": codebook.sha256, "codebook_path": codebook.path,
            "engine_version": ENGINE_VERSION, "workers": workers, "all_documents": int(bool(all_documents)),
        }).last_pk
        _write_codebook(db, codebook)
        removed = _remove_orphans(db)
        writer = _AnalysisWriter(db, run_id, codebook)
        if workers > 1 and len(pending) > 1:
            ctx = multiprocessing.get_context("fork")
            with ctx.Pool(workers, initializer=_init_worker, initargs=(codebook.path,)) as pool:
                # Documents are read here, in the writer's thread, a chunk at a time.
                for chunk in _document_chunks(db, pending):
                    for doc_id, result in pool.imap(_analyze_one, chunk, chunksize=8):
                        writer.add(doc_id, result)
                        if progress:
                            progress(1)
        else:
            global _worker_engine
            _worker_engine = Engine(codebook)
            for chunk in _document_chunks(db, pending):
                for item in chunk:
                    writer.add(*_analyze_one(item))
                    if progress:
                        progress(1)
        writer.flush()
        aggregates.rebuild(db)
        db["analysis_runs"].update(run_id, {
            "finished": store.now(), "documents": writer.documents, "sentences": writer.sentences,
            "removed": removed,
        })
    return AnalyzeReport(run_id, writer.documents, writer.sentences, removed, 0)


def _document_chunks(db, ids, size=500):
    """Lists of (id, text, language), ``size`` documents at a time, in ``ids`` order."""
    for start in range(0, len(ids), size):
        chunk = ids[start:start + size]
        placeholders = ",".join("?" for _ in chunk)
        rows = {r[0]: r for r in db.execute(
            f"select id, text, language from documents where id in ({placeholders})", chunk)}
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


def _remove_orphans(db):
    """Analysis rows of documents that are gone from ``documents`` or are now exact duplicates."""
    orphans = [r[0] for r in db.execute(
        """select document_id from document_analysis where document_id not in
           (select id from documents where duplicate_of is null)""")]
    _delete_analysis(db, orphans)
    return len(orphans)


def _delete_analysis(db, ids):
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        placeholders = ",".join("?" for _ in chunk)
        for table in store.ANALYSIS_TABLES:
            db.execute(f"delete from [{table}] where document_id in ({placeholders})", chunk)


class _AnalysisWriter:
    def __init__(self, db, run_id, codebook):
        self.db = db
        self.run_id = run_id
        self.codebook = codebook
        self.documents = 0
        self.sentences = 0
        self.pending = []
        self.next_sentence_id = (db.execute("select max(id) from sentences").fetchone()[0] or 0) + 1
        self.meta = {}

    def add(self, doc_id, result):
        self.pending.append((doc_id, result))
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self):
        if not self.pending:
            return
        ids = [doc_id for doc_id, _ in self.pending]
        placeholders = ",".join("?" for _ in ids)
        columns = ["id", "text_hash", "country", "kind", "language", "outlet", "published"]
        meta = {r[0]: dict(zip(columns, r)) for r in self.db.execute(
            f"select {', '.join(columns)} from documents where id in ({placeholders})", ids)}
        _delete_analysis(self.db, ids)
        sentences, hits, doc_frames, analyses, quotes, actors, sentence_frames = [], [], [], [], [], [], []
        for doc_id, result in self.pending:
            document = meta[doc_id]
            side = store.document_side(document)
            total = len(result["sentences"])
            for s in result["sentences"]:
                sid = self.next_sentence_id
                self.next_sentence_id += 1
                sentences.append({
                    "id": sid, "document_id": doc_id, "position": s["position"], "start": s["start"],
                    "end": s["end"], "text": s["text"], "polarity": s["polarity"],
                    "subjectivity": s["subjectivity"], "frames": json.dumps(s["frames"]),
                    "frame_count": len(s["frames"]), "quote_type": s["quote_type"], "speaker": s["speaker"],
                    "speaker_actor": s["speaker_actor"], "speaker_country": s["speaker_country"],
                    **side, "analysis_run": self.run_id,
                })
                for frame in s["frames"]:
                    sentence_frames.append({
                        "sentence_id": sid, "document_id": doc_id, "frame": frame,
                        "quoted": 1 if s["quote_type"] else 0, "speaker_country": s["speaker_country"],
                        "polarity": s["polarity"], **side,
                    })
                for h in s["hits"]:
                    hits.append({"sentence_id": sid, "document_id": doc_id, "frame": h["frame"],
                                 "term": h["term"], "start": h["start"], "end": h["end"],
                                 "doc_start": s["start"] + h["start"], "doc_end": s["start"] + h["end"]})
                for a in s["actors"]:
                    actors.append({"sentence_id": sid, "document_id": doc_id, "actor_id": a["actor"],
                                   "start": a["start"], "end": a["end"]})
            for frame, count in result["frames"].items():
                doc_frames.append({"document_id": doc_id, "frame": frame, "sentences": count,
                                   "share": round(count / total, 4) if total else None, **side})
            for q in result["quotes"]:
                quotes.append(dict(q, document_id=doc_id, analysis_run=self.run_id))
            analyses.append({
                "document_id": doc_id, "analysis_run": self.run_id, "text_hash": document["text_hash"],
                "meta_hash": store.meta_hash(document), **side,
                "codebook_sha256": self.codebook.sha256, "sentences": total,
                "frames": json.dumps(sorted(result["frames"])), "designation_stance": result["stance"],
                "stance_supports": result["stance_cues"]["supports"],
                "stance_opposes": result["stance_cues"]["opposes"], "polarity": result["polarity"],
                "subjectivity": result["subjectivity"], "quotes": len(result["quotes"]),
            })
        for table, rows in (("sentences", sentences), ("frame_hits", hits), ("document_frames", doc_frames),
                            ("document_analysis", analyses), ("quotes", quotes), ("sentence_actors", actors),
                            ("sentence_frames", sentence_frames)):
            if rows:
                # Plain executemany: sqlite-utils' per-row conversions cost more than the writes here.
                columns = list(rows[0])
                verb = "insert or replace" if table == "sentence_actors" else "insert"
                sql = (f"{verb} into [{table}] ({', '.join(f'[{c}]' for c in columns)}) "
                       f"values ({', '.join('?' for _ in columns)})")
                self.db.conn.executemany(sql, [tuple(row[c] for c in columns) for row in rows])
        self.documents += len(self.pending)
        self.sentences += len(sentences)
        self.pending = []

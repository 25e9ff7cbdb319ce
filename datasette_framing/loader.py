"""Load documents from files into the database: one transaction per load.

``load()`` reads every path, normalises each record, and writes documents, their
fingerprints, the outlets table and a ``load_runs`` row.  Any problem (unless
``skip_errors``) raises :class:`LoadError` and rolls the whole load back, so a
database never holds half of a load.
"""
from dataclasses import dataclass, field
import os

from . import store
from .fingerprints import NearDuplicateIndex, signature
from .ingest import DEFAULT_LIMITS, InputError, Skipped, read_path, iter_files
from .ingest.records import normalize, COUNTRIES, KINDS

BATCH = 1000


class LoadError(Exception):
    """A load stopped; nothing it read was written."""


@dataclass
class LoadReport:
    run_id: int = None
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    errors: list = field(default_factory=list)  # InputError objects skipped
    skipped_files: list = field(default_factory=list)  # Skipped objects

    @property
    def counts(self):
        return {
            "inserted": self.inserted, "updated": self.updated, "unchanged": self.unchanged,
            "skipped": len(self.errors), "duplicates": self.duplicates,
            "near_duplicates": self.near_duplicates,
        }


def check_defaults(defaults):
    """Raise LoadError for a default value no record could carry."""
    country = defaults.get("country")
    if country and country.upper() not in COUNTRIES:
        raise LoadError(f"--country {country!r} is not an ISO 3166 alpha-2 code such as US or MX")
    kind = defaults.get("kind")
    if kind and kind.lower() not in KINDS:
        raise LoadError(f"--kind {kind!r} must be one of {', '.join(KINDS)}")


def input_size(paths):
    """Total bytes of the files a load will read (for a progress bar); stdin counts 0."""
    total = 0
    for path in paths:
        if path == "-":
            continue
        if os.path.isdir(path):
            total += sum(os.path.getsize(p) for p in iter_files(path))
        elif os.path.exists(path):
            total += os.path.getsize(path)
    return total


def load(db, paths, *, fmt=None, defaults=None, encoding="utf-8", skip_errors=False, progress=None,
         limits=DEFAULT_LIMITS):
    """Load ``paths`` into ``db`` (a sqlite_utils.Database) in one transaction.

    ``defaults`` fills fields records lack (country, kind, outlet, language, sample).
    ``progress(bytes_done)`` is called as input is read.  ``limits`` (an ingest.Limits)
    bounds one record and one file read whole.  Returns a LoadReport.
    """
    defaults = {k: v for k, v in (defaults or {}).items() if v is not None}
    check_defaults(defaults)
    report = LoadReport()
    try:
        with db.atomic():
            store.ensure_schema(db)
            report.run_id = store.start_run(
                db, list(paths),
                {"format": fmt, "defaults": defaults, "encoding": encoding, "skip_errors": skip_errors},
            )
            triggers = store.suspend_fts_triggers(db, "documents")
            writer = _Writer(db, report)
            tracker = _Progress(progress)
            for path in paths:
                try:
                    items = read_path(path, fmt, encoding, limits)
                    for item in items:
                        if isinstance(item, Skipped):
                            report.skipped_files.append(item)
                            continue
                        if isinstance(item, InputError):
                            _problem(item, report, skip_errors)
                            continue
                        tracker.record(item)
                        try:
                            document = normalize(item, defaults)
                        except InputError as e:
                            _problem(e, report, skip_errors)
                            continue
                        writer.add(document, report.run_id)
                except InputError as e:
                    # A whole file could not be read.
                    _problem(e, report, skip_errors)
                tracker.file_done()
            writer.finish()
            for sql in triggers:
                db.execute(sql)
            store.refresh_outlets(db)
            store.finish_run(db, report.run_id, report.counts)
    except InputError as e:
        raise LoadError(str(e)) from None
    store.checkpoint(db)
    return report


def _problem(error, report, skip_errors):
    if not skip_errors:
        raise error
    report.errors.append(error)


class _Progress:
    def __init__(self, callback):
        self.callback = callback
        self.done = 0
        self.source = None
        self.offset = 0

    def record(self, raw):
        if self.callback is None:
            return
        if raw.source != self.source:
            self.file_done()
            self.source = raw.source
        if raw.offset is not None:
            self.offset = raw.offset
            self.callback(self.done + self.offset)

    def file_done(self):
        if self.callback is None or self.source is None:
            return
        if self.source != "<stdin>" and os.path.exists(self.source):
            self.done += os.path.getsize(self.source)
        self.source, self.offset = None, 0
        self.callback(self.done)


class _Writer:
    """Decides insert / update / unchanged, marks duplicates, and writes in batches."""

    def __init__(self, db, report):
        self.db = db
        self.report = report
        # Ids and text hashes already stored are looked up in the database (both indexed);
        # only this batch's are held in memory.
        self.batch_hashes = {}
        self.index = NearDuplicateIndex()
        import numpy as np

        for doc_id, blob in db.execute("select document_id, minhash from document_fingerprints order by rowid"):
            self.index.add(doc_id, np.frombuffer(blob, dtype=np.uint32))
        self.pending = {}
        self.fingerprints = {}
        # Documents this load inserts get rowids above this; they are indexed for full-text
        # search in one statement at the end (``finish``), which costs less than per batch.
        self.first_new_rowid = db.execute("select coalesce(max(rowid), 0) + 1 from documents").fetchone()[0]

    def add(self, document, run_id):
        row = document.row()
        row.update(load_run=run_id, duplicate_of=None, near_duplicate_of=None, near_duplicate_similarity=None)
        if document.id not in self.pending and self._stored(document.id):
            current = self.db["documents"].get(document.id)
            if all(current.get(k) == row.get(k) for k in store.CONTENT_FIELDS):
                self.report.unchanged += 1
                return
            self._mark_duplicates(row)
            self._index_text("delete", document.id)
            self.db["documents"].upsert(row, pk="id")
            self._index_text("insert", document.id)
            self._write_fingerprint(row)
            self.report.updated += 1
            return
        if document.id in self.pending:
            # The same id twice in one load: the later record wins.
            self.report.inserted -= 1
        self._mark_duplicates(row)
        self.pending[document.id] = row
        self.report.inserted += 1
        if len(self.pending) >= BATCH:
            self.flush()

    def _stored(self, doc_id):
        return self.db.execute("select 1 from documents where id = ?", [doc_id]).fetchone() is not None

    def _first_with_hash(self, text_hash, doc_id):
        """The id of the first document (stored, else in this batch) with this text, or doc_id."""
        stored = self.db.execute(
            "select id from documents where text_hash = ? and duplicate_of is null order by rowid limit 1",
            [text_hash]).fetchone()
        if stored is not None:
            return stored[0]
        return self.batch_hashes.setdefault(text_hash, doc_id)

    def _mark_duplicates(self, row):
        first = self._first_with_hash(row["text_hash"], row["id"])
        if first != row["id"]:
            row["duplicate_of"] = first
            self.report.duplicates += 1
            return
        sig = signature(row["text"])
        match = self.index.best_match(row["id"], sig)
        if match is not None:
            row["near_duplicate_of"], row["near_duplicate_similarity"] = match[0], round(match[1], 3)
            self.report.near_duplicates += 1
        self.index.add(row["id"], sig)
        if sig is not None:
            self.fingerprints[row["id"]] = sig.tobytes()

    def _index_text(self, action, doc_id):
        # The full-text triggers are suspended during a load (see store.suspend_fts_triggers).
        rowid = self.db.execute("select rowid from documents where id = ?", [doc_id]).fetchone()[0]
        if rowid >= self.first_new_rowid:
            return  # inserted by this load: indexed by finish()
        if action == "delete":
            sql = ("insert into documents_fts (documents_fts, rowid, title, text) "
                   "select 'delete', rowid, title, text from documents where id = ?")
        else:
            sql = "insert into documents_fts (rowid, title, text) select rowid, title, text from documents where id = ?"
        self.db.execute(sql, [doc_id])

    def _write_fingerprint(self, row):
        blob = self.fingerprints.pop(row["id"], None)
        if blob is not None:
            self.db["document_fingerprints"].upsert({"document_id": row["id"], "minhash": blob}, pk="document_id")

    def flush(self):
        if self.pending:
            columns = list(store.DOCUMENT_COLUMNS)
            self.db.conn.executemany(
                f"insert into documents ({', '.join(columns)}) values ({', '.join('?' for _ in columns)})",
                [tuple(row.get(c) for c in columns) for row in self.pending.values()],
            )
            self.pending = {}
            self.batch_hashes = {}
        if self.fingerprints:
            self.db["document_fingerprints"].upsert_all(
                ({"document_id": k, "minhash": v} for k, v in self.fingerprints.items()),
                pk="document_id", batch_size=BATCH,
            )
            self.fingerprints = {}

    def finish(self):
        """Write what is pending and index this load's new documents for full-text search."""
        self.flush()
        self.db.execute("insert into documents_fts (rowid, title, text) "
                        "select rowid, title, text from documents where rowid >= ?", [self.first_new_rowid])

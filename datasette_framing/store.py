"""The database: schema, and the writes the loader makes (sqlite-utils).

Every table the package writes is created here, so the README's schema section and
``metadata.yml`` have one place to agree with.
"""
import datetime as dt
import json

import sqlite_utils

DOCUMENT_COLUMNS = {
    "id": str,
    "url": str,
    "title": str,
    "text": str,
    "outlet": str,
    "country": str,
    "kind": str,
    "language": str,
    "published": str,
    "author": str,
    "speaker": str,
    "sample": int,
    "restates": str,
    "text_hash": str,
    "duplicate_of": str,
    "near_duplicate_of": str,
    "near_duplicate_similarity": float,
    "extra": str,
    "source_file": str,
    "source_position": str,
    "source_format": str,
    "load_run": int,
}

# Fields compared to decide whether a re-loaded record changed anything.
CONTENT_FIELDS = (
    "url", "title", "text", "outlet", "country", "kind", "language", "published",
    "author", "speaker", "sample", "restates", "extra",
)


def open_db(path):
    """The database a command writes to, in WAL mode: Datasette can keep serving the same
    file while a load or an analysis runs, and sees each one only once it has committed."""
    db = sqlite_utils.Database(path)
    if db.journal_mode != "wal":
        db.enable_wal()
    return db


def checkpoint(db):
    """Copy the committed WAL into the database file after a command's transaction.

    Readers that open the file immutable (``datasette -i``, ``datasette inspect``) never
    read the WAL; after this they see everything.  Readers still holding an old snapshot
    can keep the WAL from being emptied; that is harmless (the next command retries).
    """
    if db.journal_mode == "wal":
        db.execute("pragma wal_checkpoint(truncate)")


def now():
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def ensure_schema(db):
    """Create the loader's tables and indexes if they are missing (inside the caller's transaction)."""
    if not db["documents"].exists():
        db["documents"].create(DOCUMENT_COLUMNS, pk="id", not_null={"text"})
        for columns in (["country", "kind"], ["published"], ["outlet"], ["text_hash"], ["language"]):
            db["documents"].create_index(columns)
        db["documents"].enable_fts(["title", "text"], create_triggers=True, tokenize="unicode61 remove_diacritics 2")
    if not db["document_fingerprints"].exists():
        db["document_fingerprints"].create({"document_id": str, "minhash": bytes}, pk="document_id")
    if not db["load_runs"].exists():
        db["load_runs"].create(
            {
                "id": int, "started": str, "finished": str, "paths": str, "options": str,
                "inserted": int, "updated": int, "unchanged": int, "skipped": int,
                "duplicates": int, "near_duplicates": int,
            },
            pk="id",
        )
    if not db["outlets"].exists():
        db["outlets"].create(
            {"name": str, "country": str, "kind": str, "domain": str, "documents": int},
            pk="name",
        )


def suspend_fts_triggers(db, table):
    """Drop the full-text triggers of ``table`` for this transaction; returns their SQL.

    Indexing a batch of rows with one INSERT ... SELECT costs a fraction of what the
    per-row triggers cost.  The caller keeps the full-text table in step itself and
    re-creates the triggers before committing, so the database is never left without them.
    """
    rows = db.execute(
        "select name, sql from sqlite_master where type = 'trigger' and tbl_name = ?", [table]).fetchall()
    for name, _ in rows:
        db.execute(f"drop trigger [{name}]")
    return [sql for _, sql in rows]


def refresh_outlets(db):
    """Rebuild ``outlets`` from ``documents``: one row per outlet name, with its
    most common country, kind and URL domain."""
    rows = db.execute(
        """
        select outlet, country, kind, url from documents where outlet is not null
        """
    ).fetchall()
    from urllib.parse import urlparse
    from collections import Counter, defaultdict

    stats = defaultdict(lambda: {"country": Counter(), "kind": Counter(), "domain": Counter(), "n": 0})
    for outlet, country, kind, url in rows:
        entry = stats[outlet]
        entry["n"] += 1
        if country:
            entry["country"][country] += 1
        if kind:
            entry["kind"][kind] += 1
        if url:
            host = urlparse(url).hostname
            if host:
                entry["domain"][host.removeprefix("www.")] += 1

    def top(counter):
        return counter.most_common(1)[0][0] if counter else None

    db.execute("delete from outlets")
    db["outlets"].insert_all(
        (
            {"name": name, "country": top(e["country"]), "kind": top(e["kind"]),
             "domain": top(e["domain"]), "documents": e["n"]}
            for name, e in sorted(stats.items())
        ),
        batch_size=500,
    )


def start_run(db, paths, options):
    return db["load_runs"].insert(
        {"started": now(), "paths": json.dumps(paths, ensure_ascii=False),
         "options": json.dumps(options, ensure_ascii=False, sort_keys=True)}
    ).last_pk


def finish_run(db, run_id, counts):
    db["load_runs"].update(run_id, dict(counts, finished=now()))



ANALYSIS_TABLES = (
    "sentences", "frame_hits", "document_frames", "document_analysis", "quotes",
    "sentence_actors", "sentence_frames",
)

# Copied from the document onto every analysis row, so that each number on the
# comparison pages is the row count of one table filtered by these columns.
SIDE_COLUMNS = {"country": str, "kind": str, "language": str, "outlet": str, "day": str}
SIDE_FIELDS = tuple(SIDE_COLUMNS)


def document_side(row):
    """The side columns of a document row (``day`` is the date part of ``published``)."""
    published = row.get("published")
    return {"country": row.get("country"), "kind": row.get("kind"), "language": row.get("language"),
            "outlet": row.get("outlet"), "day": published[:10] if published else None}


def meta_hash(row):
    """Changes when anything the analysis copies or depends on changes."""
    import hashlib

    side = document_side(row)
    key = "|".join(str(side[k]) for k in SIDE_FIELDS) + "|" + str(row.get("text_hash"))
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


def ensure_analysis_schema(db):
    """Create the engine's tables if missing (inside the caller's transaction)."""
    if not db["analysis_runs"].exists():
        db["analysis_runs"].create(
            {"id": int, "started": str, "finished": str, "codebook_name": str, "codebook_version": str,
             "codebook_sha256": str, "codebook_path": str, "engine_version": str, "documents": int,
             "sentences": int, "removed": int, "workers": int, "all_documents": int},
            pk="id",
        )
    if not db["sentences"].exists():
        db["sentences"].create(
            {"id": int, "document_id": str, "position": int, "start": int, "end": int, "text": str,
             "language": str, "polarity": float, "subjectivity": float, "frames": str, "frame_count": int,
             "quote_type": str, "speaker": str, "speaker_actor": str, "speaker_country": str,
             **SIDE_COLUMNS, "analysis_run": int},
            pk="id", foreign_keys=[("document_id", "documents", "id")],
        )
        db["sentences"].create_index(["document_id", "position"], unique=True)
        db["sentences"].create_index(["country", "kind", "day"])
        db["sentences"].create_index(["speaker_country"])
        db["sentences"].enable_fts(["text"], create_triggers=True, tokenize="unicode61 remove_diacritics 2")
    if not db["frame_hits"].exists():
        db["frame_hits"].create(
            {"id": int, "sentence_id": int, "document_id": str, "frame": str, "term": str, "start": int,
             "end": int, "doc_start": int, "doc_end": int},
            pk="id",
        )
        db["frame_hits"].create_index(["frame"])
        db["frame_hits"].create_index(["sentence_id"])
        db["frame_hits"].create_index(["document_id"])
    if not db["document_frames"].exists():
        db["document_frames"].create(
            {"document_id": str, "frame": str, "sentences": int, "share": float, **SIDE_COLUMNS},
            pk=("document_id", "frame"), foreign_keys=[("document_id", "documents", "id")],
        )
        db["document_frames"].create_index(["frame", "country", "kind", "day"])
    if not db["sentence_frames"].exists():
        db["sentence_frames"].create(
            {"sentence_id": int, "document_id": str, "frame": str, "quoted": int, "speaker_country": str,
             "polarity": float, **SIDE_COLUMNS},
            pk=("sentence_id", "frame"),
            foreign_keys=[("sentence_id", "sentences", "id"), ("document_id", "documents", "id")],
        )
        db["sentence_frames"].create_index(["frame", "country", "kind", "day"])
        db["sentence_frames"].create_index(["document_id"])
    if not db["document_analysis"].exists():
        db["document_analysis"].create(
            {"document_id": str, "analysis_run": int, "text_hash": str, "meta_hash": str,
             "codebook_sha256": str, "sentences": int, "frames": str, "designation_stance": str,
             "stance_supports": int, "stance_opposes": int, "polarity": float, "subjectivity": float,
             "quotes": int, **SIDE_COLUMNS},
            pk="document_id", foreign_keys=[("document_id", "documents", "id")],
        )
        db["document_analysis"].create_index(["country", "kind", "day"])
        db["document_analysis"].create_index(["designation_stance"])
    if not db["quotes"].exists():
        db["quotes"].create(
            {"id": int, "document_id": str, "type": str, "start": int, "end": int, "text": str,
             "speaker": str, "speaker_actor": str, "speaker_country": str, "verb": str, "analysis_run": int},
            pk="id", foreign_keys=[("document_id", "documents", "id")],
        )
        db["quotes"].create_index(["document_id"])
        db["quotes"].create_index(["speaker_country"])
    if not db["sentence_actors"].exists():
        db["sentence_actors"].create(
            {"sentence_id": int, "document_id": str, "actor_id": str, "start": int, "end": int},
            pk=("sentence_id", "actor_id", "start"),
        )
        db["sentence_actors"].create_index(["actor_id"])
        db["sentence_actors"].create_index(["document_id"])
    for name, columns in (
        ("frames", {"slug": str, "position": int, "label_en": str, "label_es": str, "definition_en": str,
                    "definition_es": str, "color": str, "codebook": str}),
        ("actors", {"id": str, "name": str, "country": str, "type": str, "role": str}),
    ):
        if not db[name].exists():
            db[name].create(columns, pk="slug" if name == "frames" else "id")

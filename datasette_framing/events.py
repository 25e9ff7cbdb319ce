"""The ``events`` table: dated public events the timeline charts mark.

Read from CSV or JSON Lines with columns ``date``, ``title`` and optionally
``description``, ``country``, ``id``.  Loading replaces rows with the same id
(derived from date and title when missing), so a journalist can extend the file
and load it again.
"""
import hashlib

from . import store
from .ingest import InputError, read_path
from .ingest.records import parse_date, COUNTRIES

COLUMNS = {"id": str, "date": str, "title": str, "description": str, "country": str, "source_file": str}


def load_events(db, path):
    """Load events from ``path`` in one transaction; returns the number loaded."""
    rows = []
    for item in read_path(path):
        if isinstance(item, InputError):
            raise item
        if not hasattr(item, "fields"):
            continue
        fields = {str(k).strip().lower(): v for k, v in item.fields.items()}

        def fail(message):
            raise InputError(item.source, item.position, message)

        title = (fields.get("title") or "").strip()
        if not title:
            fail("event has no title")
        date = parse_date(fields.get("date") or "")
        if date is None:
            fail(f"cannot read the event date {fields.get('date')!r}")
        country = (fields.get("country") or "").strip().upper() or None
        if country is not None and country not in COUNTRIES:
            fail(f"unknown country {country!r}: use an ISO 3166 alpha-2 code")
        event_id = (fields.get("id") or "").strip() or hashlib.sha1(f"{date}|{title}".encode()).hexdigest()[:12]
        rows.append({
            "id": event_id, "date": date, "title": title,
            "description": (fields.get("description") or "").strip() or None,
            "country": country, "source_file": item.source,
        })
    with db.atomic():
        if not db["events"].exists():
            db["events"].create(COLUMNS, pk="id")
            db["events"].create_index(["date"])
        db["events"].upsert_all(rows, pk="id")
    store.checkpoint(db)
    return len(rows)

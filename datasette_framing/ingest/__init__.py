"""Readers that turn the files journalists hold into raw document records.

Each reader takes a source (path or stream) and yields :class:`RawRecord` objects,
or :class:`InputError` objects for records it could not read, so that a loader can
either stop at the first problem or skip it (``--skip-errors``).  A problem with a
whole file (say, an XML feed that does not parse) is raised as ``InputError``.

``read_path()`` dispatches on the file extension (or an explicit format) and walks
directories.  Normalising a raw record into a document (field aliases, dates,
languages, ids, validation) happens in :mod:`datasette_framing.ingest.records`.
"""
from dataclasses import dataclass, field
import os
import re
import sys

FORMATS = ("jsonl", "json", "csv", "tsv", "feed", "html", "text")

EXTENSIONS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
    ".html": "html",
    ".htm": "html",
    ".txt": "text",
    ".md": "text",
    ".markdown": "text",
}

# A single record (one JSON line, one CSV row, the text of a page, a feed entry or a
# text file) larger than this is refused rather than read into memory, and so is a
# whole file of a format that must be read whole (JSON array, feed, HTML, text).
MAX_RECORD_BYTES = 5 * 1024 * 1024
MAX_FILE_BYTES = 100 * 1024 * 1024
STREAMED = ("jsonl", "csv", "tsv")  # these check each record's size as they read it


@dataclass(frozen=True)
class Limits:
    """Size limits of one load (``load --max-record-bytes / --max-file-bytes``)."""

    record_bytes: int = MAX_RECORD_BYTES
    file_bytes: int = MAX_FILE_BYTES


DEFAULT_LIMITS = Limits()


def describe_size(n):
    """'5 MB' for whole mebibytes, else the byte count."""
    if n >= 1024 * 1024 and n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MB"
    return f"{n:,} bytes"


def record_too_large(source, position, limits):
    return InputError(
        source, position,
        f"record is larger than the limit of {describe_size(limits.record_bytes)} (--max-record-bytes)",
    )


@dataclass
class RawRecord:
    """Fields as found in the source, before normalisation."""

    fields: dict
    source: str
    position: str  # "line 3", "row 2", "entry 5" ... ("" for one-record files)
    format: str = ""
    offset: int = None  # bytes of the source read so far, where cheap to know (progress)
    # Values used only when neither the record nor the load's defaults give the field
    # (a feed's title as the outlet, say).
    fallbacks: dict = field(default_factory=dict)


class InputError(Exception):
    """A problem with an input file or one record in it."""

    def __init__(self, source, position, message):
        self.source = source
        self.position = position
        self.message = message
        super().__init__(str(self))

    def __str__(self):
        where = self.source + (f", {self.position}" if self.position else "")
        return f"{where}: {self.message}"


@dataclass
class Skipped:
    """A file passed over while walking a directory (unknown extension)."""

    source: str
    reason: str


def format_for(path, explicit=None):
    if explicit:
        if explicit not in FORMATS:
            raise InputError(path, "", f"unknown format {explicit!r} (one of {', '.join(FORMATS)})")
        return explicit
    lowered = path.lower()
    for ext, fmt in EXTENSIONS.items():
        if lowered.endswith(ext):
            return fmt
    return None


def iter_files(path):
    """Files below a directory, sorted, skipping hidden ones."""
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and not name.lower() == "readme.md":
                yield os.path.join(root, name)


def read_path(path, fmt=None, encoding="utf-8", limits=DEFAULT_LIMITS):
    """Yield RawRecord / InputError / Skipped items for a file, a directory or ``-``."""
    from . import tabular, jsonlines, feeds, html, text

    readers = {
        "jsonl": jsonlines.read_jsonl,
        "json": jsonlines.read_json,
        "csv": tabular.read_csv,
        "tsv": tabular.read_tsv,
        "feed": feeds.read_feed,
        "html": html.read_html,
        "text": text.read_text,
    }
    if path == "-":
        chosen = fmt or "jsonl"
        yield from _checked(readers[chosen](sys.stdin.buffer, "<stdin>", encoding, limits), chosen, limits)
        return
    if os.path.isdir(path):
        for child in iter_files(path):
            child_fmt = format_for(child, fmt)
            if child_fmt is None:
                yield Skipped(child, "unknown file extension")
                continue
            yield from _read_file(readers[child_fmt], child_fmt, child, encoding, limits)
        return
    if not os.path.exists(path):
        raise InputError(path, "", "no such file or directory")
    chosen = format_for(path, fmt)
    if chosen is None:
        raise InputError(
            path, "", "cannot tell the format from the extension; pass --format "
            f"({', '.join(FORMATS)})"
        )
    yield from _read_file(readers[chosen], chosen, path, encoding, limits)


def _read_file(reader, fmt, path, encoding, limits):
    with open(path, "rb") as fp:
        yield from _checked(reader(fp, path, encoding, limits), fmt, limits)


def _checked(items, fmt, limits):
    """Refuse records of whole-file formats whose fields add up to more than the record limit."""
    if fmt in STREAMED:
        yield from items  # the reader measured each line or row
        return
    for item in items:
        if isinstance(item, RawRecord) and _record_size(item.fields, limits.record_bytes) > limits.record_bytes:
            yield record_too_large(item.source, item.position, limits)
            continue
        yield item


def _record_size(fields, limit):
    return utf8_size([str(k) for k in fields] + [v if isinstance(v, str) else str(v) for v in fields.values()], limit)


def utf8_size(parts, limit):
    """UTF-8 size of some strings, exact when it is near ``limit``."""
    chars = sum(len(p) for p in parts)
    if chars > limit or chars * 4 <= limit:
        return chars  # characters <= UTF-8 bytes <= 4 x characters: no need to encode
    return sum(len(p.encode("utf-8", "surrogatepass")) for p in parts)


_SURROGATE = re.compile("[\ud800-\udfff]")


def replace_lone_surrogates(value):
    """U+FFFD for the lone surrogates a JSON ``\\ud800`` escape can produce (SQLite cannot store them)."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [replace_lone_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {replace_lone_surrogates(k): replace_lone_surrogates(v) for k, v in value.items()}
    return value


def read_whole(fp, source, limit=MAX_FILE_BYTES):
    data = fp.read(limit + 1)
    if len(data) > limit:
        raise InputError(
            source, "",
            f"file is larger than the limit of {describe_size(limit)} for formats read whole "
            "(JSON array, feed, HTML, text; --max-file-bytes); JSON Lines and CSV are streamed",
        )
    return data


def decode(data, source, encoding="utf-8", position=None):
    """Decode bytes, naming the line of the first invalid byte on failure."""
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        encoding = "utf-8-sig"  # tolerate a byte-order mark
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        line_start = data.rfind(b"\n", 0, e.start) + 1
        line = data.count(b"\n", 0, e.start) + 1
        where = position or f"line {line}"
        raise InputError(
            source, where,
            f"invalid {e.encoding} (byte 0x{data[e.start]:02x} at column {e.start - line_start + 1}); "
            "if the file is in another encoding pass --encoding, e.g. --encoding latin-1",
        ) from None

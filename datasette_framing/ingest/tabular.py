"""CSV and TSV with a header row (including Media Cloud story-list exports)."""
import csv
import io

from . import DEFAULT_LIMITS, InputError, RawRecord, record_too_large, utf8_size


def read_csv(fp, source, encoding="utf-8", limits=DEFAULT_LIMITS):
    yield from _read(fp, source, encoding, None, limits)


def read_tsv(fp, source, encoding="utf-8", limits=DEFAULT_LIMITS):
    yield from _read(fp, source, encoding, "\t", limits)


def _read(fp, source, encoding, delimiter, limits):
    # The csv module's own cap on one field (in characters) keeps an unclosed quote
    # from reading the rest of the file into memory.
    csv.field_size_limit(limits.record_bytes)
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        encoding = "utf-8-sig"
    stream = io.TextIOWrapper(fp, encoding=encoding, errors="strict", newline="")
    try:
        head = stream.readline()
    except UnicodeDecodeError as e:
        raise InputError(source, "line 1", f"invalid {e.encoding}; pass --encoding if the file is not UTF-8") from None
    if not head.strip():
        raise InputError(source, "line 1", "no header row")
    if delimiter is None:
        # Spreadsheet exports in Spanish locales use semicolons.
        counts = {d: head.count(d) for d in (",", ";", "\t")}
        delimiter = max(counts, key=counts.get) if max(counts.values()) else ","
    header = next(csv.reader([head], delimiter=delimiter))
    header = [h.strip() for h in header]
    if len(set(header)) != len(header):
        raise InputError(source, "line 1", "header row repeats a column name")
    reader = csv.reader(stream, delimiter=delimiter)
    previous_end = 0
    try:
        for row in reader:
            # The record starts on the line after the previous one ended (+1 for the header).
            line = previous_end + 2
            previous_end = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            position = f"line {line}"
            if utf8_size(row, limits.record_bytes) > limits.record_bytes:
                yield record_too_large(source, position, limits)
                continue
            if len(row) != len(header):
                yield InputError(
                    source, position,
                    f"row has {len(row)} fields, the header has {len(header)}",
                )
                continue
            try:
                offset = fp.tell()
            except (OSError, ValueError):
                offset = None
            yield RawRecord(dict(zip(header, row)), source, position, "csv", offset)
    except UnicodeDecodeError as e:
        raise InputError(
            source, f"after line {reader.line_num + 1}",
            f"invalid {e.encoding}; pass --encoding if the file is not UTF-8",
        ) from None
    except csv.Error as e:
        if "field larger than field limit" in str(e):
            raise record_too_large(source, f"line {previous_end + 2}", limits) from None
        raise InputError(source, f"line {reader.line_num + 1}", f"malformed CSV: {e}") from None
    finally:
        stream.detach()

"""JSON Lines (streamed line by line) and JSON arrays."""
import json

from . import InputError, RawRecord, MAX_RECORD_BYTES, decode, read_whole


def read_jsonl(fp, source, encoding="utf-8"):
    for number, raw in enumerate(_lines(fp), start=1):
        position = f"line {number}"
        if len(raw) > MAX_RECORD_BYTES:
            yield InputError(source, position, f"record is larger than {MAX_RECORD_BYTES // (1024 * 1024)} MB")
            continue
        try:
            line = decode(raw, source, encoding, position)
        except InputError as e:
            yield e
            continue
        if number == 1:
            line = line.lstrip("\ufeff")
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield InputError(source, position, f"invalid JSON: {e.msg} (column {e.colno})")
            continue
        if not isinstance(obj, dict):
            yield InputError(source, position, f"expected a JSON object, got {type(obj).__name__}")
            continue
        yield RawRecord(obj, source, position, "jsonl", _tell(fp))


def _tell(fp):
    try:
        return fp.tell()
    except (OSError, ValueError):
        return None


def _lines(fp):
    # Reading in bounded chunks keeps memory flat; a line longer than the record
    # limit is still returned whole-but-truncated so the caller can reject it.
    while True:
        line = fp.readline(MAX_RECORD_BYTES + 1)
        if not line:
            return
        if len(line) > MAX_RECORD_BYTES and not line.endswith(b"\n"):
            # Swallow the rest of the over-long line.
            while True:
                rest = fp.readline(MAX_RECORD_BYTES)
                if not rest or rest.endswith(b"\n"):
                    break
        yield line


def read_json(fp, source, encoding="utf-8"):
    text = decode(read_whole(fp, source), source, encoding)
    stripped = text.lstrip()
    if stripped.startswith("{") and "\n" in stripped.strip():
        # Many "json" exports are really JSON Lines.
        try:
            json.loads(stripped)
        except json.JSONDecodeError:
            import io
            yield from read_jsonl(io.BytesIO(text.encode("utf-8")), source)
            return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(source, f"line {e.lineno}", f"invalid JSON: {e.msg} (column {e.colno})") from None
    if isinstance(data, dict):
        # {"documents": [...]} or a single document
        lists = [v for v in data.values() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
        data = lists[0] if len(lists) == 1 and "text" not in data else [data]
    if not isinstance(data, list):
        raise InputError(source, "", "expected a JSON array of objects")
    for number, obj in enumerate(data, start=1):
        if not isinstance(obj, dict):
            yield InputError(source, f"entry {number}", f"expected a JSON object, got {type(obj).__name__}")
            continue
        yield RawRecord(obj, source, f"entry {number}", "json")

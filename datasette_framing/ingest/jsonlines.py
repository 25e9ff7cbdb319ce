"""JSON Lines (streamed line by line) and JSON arrays."""
import json

from . import DEFAULT_LIMITS, InputError, RawRecord, decode, read_whole, record_too_large, replace_lone_surrogates

# Deeper nesting than this is refused: Python's json (and whatever later walks the value)
# recurses once per level, and a document's fields are never nested this deep.
MAX_DEPTH = 100
TOO_DEEP = f"invalid JSON: nested more than {MAX_DEPTH} levels deep"


def read_jsonl(fp, source, encoding="utf-8", limits=DEFAULT_LIMITS):
    for number, raw in enumerate(_lines(fp, limits.record_bytes), start=1):
        position = f"line {number}"
        if len(raw) > limits.record_bytes and len(raw.rstrip(b"\r\n")) > limits.record_bytes:
            yield record_too_large(source, position, limits)
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
        except ValueError:  # an integer of more than 4,300 digits
            yield InputError(source, position, "invalid JSON: a number of more than 4,300 digits")
            continue
        except RecursionError:
            yield InputError(source, position, TOO_DEEP)
            continue
        if _brackets(line) > MAX_DEPTH and _too_deep(obj):
            yield InputError(source, position, TOO_DEEP)
            continue
        if not isinstance(obj, dict):
            yield InputError(source, position, f"expected a JSON object, got {type(obj).__name__}")
            continue
        if "\\ud" in line or "\\uD" in line:
            obj = replace_lone_surrogates(obj)
        yield RawRecord(obj, source, position, "jsonl", _tell(fp))


def _tell(fp):
    try:
        return fp.tell()
    except (OSError, ValueError):
        return None


def _lines(fp, limit):
    # Reading in bounded chunks keeps memory flat; a line longer than the record
    # limit is returned truncated (limit + 1 bytes) so the caller can reject it.
    while True:
        line = fp.readline(limit + 2)  # + the line's "\r\n"
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            # Swallow the rest of the over-long line.
            while True:
                rest = fp.readline(limit)
                if not rest or rest.endswith(b"\n"):
                    break
        yield line


def read_json(fp, source, encoding="utf-8", limits=DEFAULT_LIMITS):
    text = decode(read_whole(fp, source, limits.file_bytes), source, encoding)
    stripped = text.lstrip()
    if stripped.startswith("{") and "\n" in stripped.strip():
        # Many "json" exports are really JSON Lines.
        try:
            json.loads(stripped)
        except RecursionError:
            raise InputError(source, "", TOO_DEEP) from None
        except ValueError:  # JSONDecodeError, or an integer of more than 4,300 digits
            import io
            yield from read_jsonl(io.BytesIO(text.encode("utf-8")), source, limits=limits)
            return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(source, f"line {e.lineno}", f"invalid JSON: {e.msg} (column {e.colno})") from None
    except ValueError:  # an integer of more than 4,300 digits
        raise InputError(source, "", "invalid JSON: a number of more than 4,300 digits") from None
    except RecursionError:
        raise InputError(source, "", TOO_DEEP) from None
    if "\\ud" in text or "\\uD" in text:
        data = replace_lone_surrogates(data)
    if isinstance(data, dict):
        # {"documents": [...]} or a single document
        lists = [v for v in data.values() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
        data = lists[0] if len(lists) == 1 and "text" not in data else [data]
    if not isinstance(data, list):
        raise InputError(source, "", "expected a JSON array of objects")
    maybe_deep = _brackets(text) > MAX_DEPTH
    for number, obj in enumerate(data, start=1):
        if not isinstance(obj, dict):
            yield InputError(source, f"entry {number}", f"expected a JSON object, got {type(obj).__name__}")
            continue
        if maybe_deep and _too_deep(obj):
            yield InputError(source, f"entry {number}", TOO_DEEP)
            continue
        yield RawRecord(obj, source, f"entry {number}", "json")


def _brackets(text):
    return text.count("[") + text.count("{")  # each level of nesting needs one


def _too_deep(obj):
    """Whether ``obj`` nests deeper than MAX_DEPTH."""
    stack = [(obj, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return False

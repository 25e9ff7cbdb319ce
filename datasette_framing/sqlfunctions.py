"""SQL functions registered on every Datasette connection (``prepare_connection``).

framing_frames(text [, language])  -> JSON array of frame slugs
framing_hits(text [, language])    -> JSON array of {frame, term, start, end}
framing_tone(text [, language])    -> polarity (-1..1)
framing_language(text)             -> detected ISO 639-1 code

They use the shipped codebook; the language is detected when not given.
"""
from functools import lru_cache
import json


@lru_cache(maxsize=1)
def _engine():
    from .analysis.pipeline import Engine

    return Engine()


def _language(text, language):
    if language:
        return language
    from .ingest.records import detect_language

    return detect_language(text) or "en"


def framing_frames(text, language=None):
    if text is None:
        return None
    from .analysis.frames import match_sentence

    return json.dumps(match_sentence(str(text), _language(str(text), language), _engine().codebook).frames)


def framing_hits(text, language=None):
    if text is None:
        return None
    from .analysis.frames import match_sentence

    hits = match_sentence(str(text), _language(str(text), language), _engine().codebook).hits
    return json.dumps([h.as_dict() for h in hits], ensure_ascii=False)


def framing_tone(text, language=None):
    if text is None:
        return None
    from .analysis.tone import tone

    return tone(str(text), _language(str(text), language))[0]


def framing_language(text):
    if text is None:
        return None
    from .ingest.records import detect_language

    return detect_language(str(text))


def register(conn):
    for name, fn in (("framing_frames", framing_frames), ("framing_hits", framing_hits),
                     ("framing_tone", framing_tone)):
        conn.create_function(name, 1, fn, deterministic=True)
        conn.create_function(name, 2, fn, deterministic=True)
    conn.create_function("framing_language", 1, framing_language, deterministic=True)

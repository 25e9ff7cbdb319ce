"""Saved HTML article pages: main text and metadata extracted with trafilatura."""
import lxml.html
import trafilatura

from . import DEFAULT_LIMITS, InputError, RawRecord, decode, read_whole


def read_html(fp, source, encoding="utf-8", limits=DEFAULT_LIMITS):
    data = read_whole(fp, source, limits.file_bytes)
    markup = decode(data, source, encoding)
    if not markup.strip():
        raise InputError(source, "", "empty HTML file")
    extracted = trafilatura.bare_extraction(
        markup, with_metadata=True, include_comments=False, favor_precision=True,
    )
    if extracted is None:
        raise InputError(source, "", "no article text found in the HTML page")
    if not isinstance(extracted, dict):
        extracted = extracted.as_dict()
    fields = {
        "title": extracted.get("title"),
        "text": extracted.get("text"),
        "author": extracted.get("author"),
        "published": extracted.get("date"),
        "url": extracted.get("url"),
        "outlet": extracted.get("sitename"),
    }
    fields.update(_page_meta(markup))
    yield RawRecord({k: v for k, v in fields.items() if v}, source, "", "html")


def _page_meta(markup):
    """``<html lang>`` and our own ``<meta name="framing:FIELD">`` tags."""
    try:
        root = lxml.html.document_fromstring(markup)
    except (lxml.etree.ParserError, ValueError):
        return {}
    meta = {}
    lang = root.get("lang")
    if lang:
        meta["language"] = lang
    for tag in root.iter("meta"):
        name = (tag.get("name") or tag.get("property") or "").strip()
        if name.startswith("framing:") and tag.get("content") is not None:
            meta[name.split(":", 1)[1]] = tag.get("content")
    return meta

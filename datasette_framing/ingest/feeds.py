"""RSS and Atom feed files, parsed with feedparser."""
import re
import xml.sax

import feedparser
import lxml.html

from . import DEFAULT_LIMITS, InputError, RawRecord, read_whole

# Elements whose content is not text of the story (dropped from HTML content, with their content).
NOT_TEXT = ("script", "style", "iframe", "noscript", "object", "embed", "template", "frameset", "frame")

# Categories with these schemes (Atom ``scheme``, RSS ``domain``) become fields.
FIELD_SCHEMES = {"restates", "sample", "country", "kind", "language", "outlet", "speaker"}


# Character references to no character (&#xd800;, &#x110000;) crash feedparser's
# lenient parser, which it falls back to for a feed that is not well-formed.
_CHARREF = re.compile(rb"&#([xX][0-9a-fA-F]+|[0-9]+);")


def _safe_charref(match):
    digits = match.group(1)
    value = int(digits[1:], 16) if digits[:1] in (b"x", b"X") else int(digits)
    return match.group(0) if value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF else b"&#xfffd;"


def read_feed(fp, source, encoding="utf-8", limits=DEFAULT_LIMITS):
    data = _CHARREF.sub(_safe_charref, read_whole(fp, source, limits.file_bytes))
    try:
        # Not feedparser's sanitiser: it drops <script> and <iframe> tags but keeps the
        # text inside them; html_fragment_text drops those elements whole.
        parsed = feedparser.parse(data, sanitize_html=False)
    except (ValueError, LookupError, UnicodeError) as e:  # feedparser's lenient parser on odd input
        raise InputError(source, "", f"not a readable RSS/Atom feed: {e}") from None
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if problem is not None and not isinstance(problem, feedparser.CharacterEncodingOverride):
        line = ""
        if isinstance(problem, xml.sax.SAXParseException):
            line = f"line {problem.getLineNumber()}"
        message = getattr(problem, "getMessage", lambda: str(problem))()
        raise InputError(source, line, f"not a well-formed RSS/Atom feed: {message}")
    if not parsed.get("version") and not parsed.entries:
        raise InputError(source, "", "not an RSS or Atom feed")
    feed = parsed.feed
    feed_language = (feed.get("language") or "").strip() or None
    feed_title = (feed.get("title") or "").strip() or None
    for number, entry in enumerate(parsed.entries, start=1):
        fields = {
            "id": entry.get("id") or None,
            "url": entry.get("link") or None,
            "title": _entry_title(entry),
            "text": _entry_text(entry),
            "published": entry.get("published") or entry.get("updated") or None,
            "author": entry.get("author") or None,
        }
        if feed_language:
            fields["language"] = feed_language
        source_info = entry.get("source") or {}
        if source_info.get("title"):
            fields["outlet"] = source_info["title"]
        other_tags = []
        for tag in entry.get("tags") or []:
            scheme = (tag.get("scheme") or "").strip().lower()
            term = (tag.get("term") or "").strip()
            if scheme in FIELD_SCHEMES:
                fields[scheme] = term
            elif term:
                other_tags.append(term)
        if other_tags:
            fields["tags"] = other_tags
        yield RawRecord(
            {k: v for k, v in fields.items() if v is not None}, source, f"entry {number}", "feed",
            fallbacks={"outlet": feed_title} if feed_title else {},
        )


def _entry_title(entry):
    title = entry.get("title") or None
    if title and "html" in ((entry.get("title_detail") or {}).get("type") or "") and "<" in title:
        title = " ".join(html_fragment_text(title).split()) or None
    return title


def _entry_text(entry):
    candidates = [c for c in entry.get("content") or [] if c.get("value")]
    if candidates:
        content = candidates[0]
    elif entry.get("summary"):
        content = {"value": entry["summary"], "type": (entry.get("summary_detail") or {}).get("type", "text/html")}
    else:
        return None
    value = content["value"]
    if "html" in (content.get("type") or "") and "<" in value:
        value = html_fragment_text(value)
    return value.strip() or None


def html_fragment_text(value):
    """Plain text of an HTML fragment, paragraphs kept apart."""
    try:
        root = lxml.html.fromstring(value)
    except (lxml.etree.ParserError, ValueError):
        return value
    for element in list(root.iter(*NOT_TEXT)):
        if element is root:
            return ""
        element.drop_tree()
    for block in root.iter("p", "br", "div", "li", "h1", "h2", "h3"):
        block.tail = ("\n\n" if block.tag != "br" else "\n") + (block.tail or "")
    return root.text_content()

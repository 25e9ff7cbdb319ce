"""Normalise raw records from any reader into documents.

One place decides what a document is: which source columns feed which field,
which values are valid, how dates and languages are read and how ids are made.
"""
from dataclasses import dataclass
import datetime as dt
import email.utils
import hashlib
import json
import re
import unicodedata

from . import InputError

FIELDS = (
    "id", "url", "title", "text", "outlet", "country", "kind", "language",
    "published", "author", "speaker", "sample", "restates",
)
KINDS = ("coverage", "official")

# Column names other tools use for our fields (Media Cloud exports, feeds, CMS dumps).
ALIASES = {
    "stories_id": "id", "story_id": "id", "guid": "id", "document_id": "id",
    "link": "url", "permalink": "url",
    "headline": "title",
    "body": "text", "content": "text", "full_text": "text", "story_text": "text",
    "media_name": "outlet", "media": "outlet", "source": "outlet", "publisher": "outlet",
    "lang": "language",
    "publish_date": "published", "pub_date": "published", "date": "published",
    "published_at": "published", "publication_date": "published",
    "byline": "author",
}

# ISO 3166-1 alpha-2 codes.
COUNTRIES = frozenset("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
VN VU WF WS YE YT ZA ZM ZW
""".split())

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
TRUE_WORDS = {"true", "yes", "1", "y", "si", "sí", "t"}
FALSE_WORDS = {"false", "no", "0", "n", "f", ""}


@dataclass
class Document:
    id: str
    text: str
    url: str = None
    title: str = None
    outlet: str = None
    country: str = None
    kind: str = None
    language: str = None
    published: str = None
    author: str = None
    speaker: str = None
    sample: int = 0
    restates: str = None
    text_hash: str = None
    extra: str = None
    source_file: str = None
    source_position: str = None
    source_format: str = None

    def row(self):
        return dict(self.__dict__)


def normalize(raw, defaults=None):
    """Turn a RawRecord into a Document, or raise InputError saying what is wrong."""
    defaults = defaults or {}
    fields, extra = {}, {}
    for key, value in raw.fields.items():
        name = str(key).strip()
        canonical = name.lower().replace(" ", "_").replace("-", "_")
        canonical = ALIASES.get(canonical, canonical)
        if canonical == "speakers":
            canonical = "speaker"
        if canonical in FIELDS:
            # The first of two aliases for one field wins (e.g. stories_id before id).
            if canonical not in fields or _blank(fields[canonical]):
                fields[canonical] = value
        elif value not in (None, ""):
            extra[name] = value

    def fail(message):
        raise InputError(raw.source, raw.position, message)

    fallbacks = raw.fallbacks

    def text_field(name):
        value = fields.get(name)
        if value is None and name not in defaults and name not in fallbacks:
            return None
        if _blank(value):
            value = defaults.get(name)
        if _blank(value):
            value = fallbacks.get(name)
        if _blank(value):
            return None
        if isinstance(value, (list, tuple)):
            value = "; ".join(str(v) for v in value)
        if isinstance(value, (dict,)):
            fail(f"field {name!r} must be text, got an object")
        return _clean(str(value)) or None  # only control characters or spaces: no value

    text = text_field("text")
    if text is None:
        fail("record has no text (expected a 'text' field, or 'body'/'content')")

    country = text_field("country")
    if country is not None:
        if country.upper() not in COUNTRIES:
            fail(f"unknown country {country!r}: use an ISO 3166 alpha-2 code such as US or MX")
        country = country.upper()
    kind = text_field("kind")
    if kind is not None:
        kind = kind.lower()
        if kind not in KINDS:
            fail(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")

    language = text_field("language")
    if language is not None:
        language = language.lower().replace("_", "-").split("-")[0]
        if not LANGUAGE_CODE.match(language):
            fail(f"unknown language {fields.get('language')!r}: use an ISO 639-1 code such as en or es")
    else:
        language = detect_language(text)

    published = text_field("published")
    if published is not None:
        parsed = parse_date(published)
        if parsed is None:
            fail(f"cannot read the date {published!r}")
        published = parsed

    url = text_field("url")
    doc_id = text_field("id")
    normalized = normalize_text(text)
    text_hash = hashlib.sha1(normalized.encode("utf-8")).hexdigest()
    if doc_id is None:
        if url:
            doc_id = "u-" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]
        else:
            doc_id = "t-" + text_hash[:16]

    sample = fields.get("sample", defaults.get("sample", False))
    if isinstance(sample, str):
        word = sample.strip().lower()
        if word not in TRUE_WORDS | FALSE_WORDS:
            fail(f"field 'sample' must be true or false, got {sample!r}")
        sample = word in TRUE_WORDS

    return Document(
        id=doc_id,
        text=text,
        url=url,
        title=text_field("title"),
        outlet=text_field("outlet"),
        country=country,
        kind=kind,
        language=language,
        published=published,
        author=text_field("author"),
        speaker=text_field("speaker"),
        sample=1 if sample else 0,
        restates=text_field("restates"),
        text_hash=text_hash,
        extra=json.dumps(extra, ensure_ascii=False, default=str, sort_keys=True) if extra else None,
        source_file=raw.source,
        source_position=raw.position or None,
        source_format=raw.format or None,
    )


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(value):
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", unicodedata.normalize("NFC", value)).strip()


def normalize_text(text):
    """The form used to spot duplicates: case, accents and spacing folded."""
    from ..analysis.text import fold_words

    return " ".join(fold_words(text))


_identifier = None


def detect_language(text):
    """ISO 639-1 code of the text's language, detected offline with py3langid."""
    global _identifier
    if _identifier is None:
        from py3langid.langid import LanguageIdentifier, MODEL_FILE

        _identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    sample = text[:2000]
    if len(sample.split()) < 3:
        return None  # too short to tell reliably
    language, _ = _identifier.classify(sample)
    return language


_MONTHS_ES = {
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
    "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
}


RFC822_YEAR = re.compile(r"\b\d{1,2}\s+[A-Za-z]{3,}\.?\s+(\d{4})\b")


def parse_date(value):
    """An ISO 8601 date (or datetime, when the source gives a time) for a date string.

    ISO and RFC 822 (feeds) are read directly; anything else in English or Spanish
    ("20 de febrero de 2025", "Feb. 20, 2025", "20/02/2025") goes to dateparser.
    """
    if isinstance(value, (dt.date, dt.datetime)):
        return _iso(value)
    value = str(value).strip()
    if not value:
        return None
    candidate = value.replace("Z", "+00:00")
    try:
        if len(candidate) == 10:
            return dt.date.fromisoformat(candidate).isoformat()
        return _iso(dt.datetime.fromisoformat(candidate))
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        pass
    else:
        # email.utils reads years below 100 as two-digit years (0001 -> 2001).
        year = RFC822_YEAR.search(value)
        if year and int(year.group(1)) != parsed.year:
            try:
                parsed = parsed.replace(year=int(year.group(1)))
            except ValueError:  # year 0
                return None
        return _iso(parsed)
    import dateparser

    parsed = dateparser.parse(
        value,
        languages=["es", "en"],
        settings={"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first", "STRICT_PARSING": False,
                  "REQUIRE_PARTS": ["year", "month"]},
    )
    if parsed is None:
        return None
    has_time = bool(re.search(r"\d{1,2}:\d{2}", value))
    return _iso(parsed) if has_time else parsed.date().isoformat()


def _iso(value):
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    return value.isoformat()

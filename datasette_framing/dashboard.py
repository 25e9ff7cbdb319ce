"""The numbers of the comparison pages, and the links to the rows behind each one.

``Filters.parse()`` validates the query string (a bad value is a ``BadRequest``
naming the parameter).  The same filters become a WHERE clause with bound
parameters for the precomputed cubes and the analysis tables (they share the
column names country, kind, language, outlet, day), and Datasette table filters
for the links, so each count shown equals the row count of the page it links to.

The functions that read take a :class:`snapshot.Reader`: a page makes all its queries
in one read transaction, so numbers from different queries agree with each other.
"""
from dataclasses import dataclass, field
import datetime as dt
import json
import re
import urllib.parse

from . import stats

COUNTRY = re.compile(r"^[A-Z]{2}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}$")
SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
KINDS = ("coverage", "official", "both")
MAX_OUTLETS = 50
COLOR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,30})$")
DEFAULT_COLOR = "#666666"


def safe_color(value):
    """A codebook colour fit for a style attribute (``#hex`` or a colour name); anything else is grey.

    Codebooks are user files: a colour such as ``red; background: url(...)`` would otherwise
    inject CSS into every page that shows the frame."""
    value = (value or "").strip() if isinstance(value, str) else ""
    return value if COLOR.match(value) else DEFAULT_COLOR


class BadRequest(ValueError):
    """A query-string value the pages cannot use; the message names the parameter."""


@dataclass
class Filters:
    a: str
    b: str
    kind: str = "both"
    language: str = None
    date_from: str = None
    date_to: str = None
    outlets: list = field(default_factory=list)
    frame: str = None
    labels: str = "en"
    terms: str = None

    @classmethod
    def parse(cls, args, countries, languages, outlets, frames, defaults):
        """Read ``args`` (a MultiParams) against what the database holds."""

        def one(name):
            values = args.getlist(name)
            if len(values) > 1:
                raise BadRequest(f"'{name}' was given {len(values)} times; give it once")
            value = values[0].strip() if values else ""
            if len(value) > 200:
                raise BadRequest(f"'{name}' is too long")
            return value

        a = one("a").upper() or defaults.get("side_a") or ""
        b = one("b").upper() or defaults.get("side_b") or ""
        ordered = list(countries)
        if not a:
            a = "US" if "US" in countries else (ordered[0] if ordered else "US")
        if not b:
            b = "MX" if "MX" in countries and a != "MX" else next((c for c in ordered if c != a), a)
        for name, value in (("a", a), ("b", b)):
            if not COUNTRY.match(value):
                raise BadRequest(f"'{name}' must be a two-letter country code such as US or MX")
            if countries and value not in countries:
                raise BadRequest(f"'{name}': no documents from country {value!r} here "
                                 f"(countries: {', '.join(sorted(countries))})")
        if a == b:
            raise BadRequest("'a' and 'b' must be two different countries")
        kind = one("kind") or defaults.get("kind") or "both"
        if kind not in KINDS:
            raise BadRequest(f"'kind' must be one of {', '.join(KINDS)}")
        language = one("language") or None
        if language is not None and (not LANGUAGE.match(language) or language not in languages):
            raise BadRequest(f"'language' must be one of the languages here: {', '.join(sorted(languages))}")
        date_from, date_to = _date(one("from"), "from"), _date(one("to"), "to")
        if date_from and date_to and date_from > date_to:
            raise BadRequest("'from' is after 'to'")
        chosen = [o for o in args.getlist("outlet") if o.strip()]
        if len(chosen) > MAX_OUTLETS:
            raise BadRequest(f"'outlet': at most {MAX_OUTLETS} outlets at a time")
        unknown = [o for o in chosen if o not in outlets]
        if unknown:
            raise BadRequest(f"'outlet': unknown outlet {_shown(unknown[0])}")
        frame = one("frame") or (frames[0] if frames else None)
        if frame is not None and frame not in frames:
            raise BadRequest(f"'frame' must be one of: {', '.join(frames)}")
        labels = one("labels") or "en"
        if labels not in ("en", "es"):
            raise BadRequest("'labels' must be en or es")
        terms = one("terms") or language
        if terms is not None and terms not in languages:
            raise BadRequest(f"'terms' must be one of the languages here: {', '.join(sorted(languages))}")
        return cls(a, b, kind, language, date_from, date_to, sorted(set(chosen)), frame, labels, terms)

    @property
    def sides(self):
        return [self.a, self.b]

    # Each condition once: (column, Datasette filter suffix, SQL operator, value).
    _OPERATORS = {"": "=", "gte": ">=", "lte": "<=", "in": "in"}

    def conditions(self, country):
        """The filters as (column, suffix, value) triples; ``country`` one side, or None for both."""
        found = [("country", "", country) if country is not None else ("country", "in", list(self.sides))]
        if self.kind != "both":
            found.append(("kind", "", self.kind))
        if self.language:
            found.append(("language", "", self.language))
        if self.date_from:
            found.append(("day", "gte", self.date_from))
        if self.date_to:
            found.append(("day", "lte", self.date_to))
        if self.outlets:
            found.append(("outlet", "in", list(self.outlets)))
        return found

    def where(self, country=None, table=""):
        """(sql, params) restricting the shared columns, every value a bound parameter."""
        prefix = f"{table}." if table else ""
        clauses, params = [], []
        for column, suffix, value in self.conditions(country):
            if suffix == "in":
                clauses.append(f"{prefix}{column} in ({', '.join('?' for _ in value)})")
                params += value
            else:
                clauses.append(f"{prefix}{column} {self._OPERATORS[suffix]} ?")
                params.append(value)
        return " and ".join(clauses), params

    def table_args(self, country):
        """Datasette table filters selecting the same rows as ``where(country)``."""
        return [(f"{column}__{suffix}" if suffix else column,
                 json.dumps(value, ensure_ascii=False) if suffix == "in" else value)
                for column, suffix, value in self.conditions(country)]

    def query_args(self, **overrides):
        """This page's query string (every filter kept), with some values changed."""
        values = {"a": self.a, "b": self.b, "kind": self.kind, "language": self.language,
                  "from": self.date_from, "to": self.date_to, "frame": self.frame,
                  "labels": self.labels, "terms": self.terms}
        values.update(overrides)
        args = [(k, v) for k, v in values.items() if v not in (None, "")]
        args += [("outlet", o) for o in (overrides.get("outlet", self.outlets) or [])]
        return urllib.parse.urlencode([(k, v) for k, v in args if k != "outlet" or isinstance(v, str)])

    def as_dict(self):
        return {"a": self.a, "b": self.b, "kind": self.kind, "language": self.language,
                "from": self.date_from, "to": self.date_to, "outlets": self.outlets,
                "frame": self.frame, "labels": self.labels, "terms": self.terms}


def _shown(value, limit=80):
    """A value from the query string, quoted and cut short, for a message."""
    return repr(value if len(value) <= limit else value[:limit] + "…")


def _date(value, name):
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise BadRequest(f"'{name}' must be a date as YYYY-MM-DD") from None


class Links:
    """URLs of Datasette pages filtered to exactly the rows a number counts."""

    def __init__(self, datasette, database, filters):
        self.datasette, self.database, self.filters = datasette, database, filters

    def table(self, table, country, extra=()):
        args = self.filters.table_args(country) + list(extra)
        return self.datasette.urls.table(self.database, table) + "?" + urllib.parse.urlencode(args)

    def query(self, name, params):
        return self.datasette.urls.table(self.database, name) + "?" + urllib.parse.urlencode(params)


def share(k, n):
    low, high = stats.wilson(k, n)
    return {"k": k, "n": n, "share": (k / n) if n else None, "low": low, "high": high,
            "small": n < stats.MIN_N}


def context(reader):
    """What the database holds: countries, languages, outlets, frames, date span."""
    countries = [r[0] for r in reader.execute(
        "select country from side_daily where country is not null group by country order by sum(documents) desc").rows]
    languages = [r[0] for r in reader.execute(
        "select language from side_daily where language is not null group by language order by sum(sentences) desc").rows]
    outlets = [r[0] for r in reader.execute(
        "select outlet from side_daily where outlet is not null group by outlet order by outlet").rows]
    frames = [dict(dict(r), color=safe_color(r["color"])) for r in reader.execute(
        "select slug, label_en, label_es, definition_en, definition_es, color from frames order by position").rows]
    span = reader.execute("select min(day), max(day) from side_daily").first()
    samples = reader.execute("select count(*) from documents where sample = 1").first()[0]
    return {"countries": countries, "languages": languages, "outlets": outlets, "frames": frames,
            "first_day": span[0], "last_day": span[1], "samples": samples}


def prevalence(reader, filters, links, frames):
    """Share of documents and of sentences carrying each frame, per side, with tests."""
    where, params = filters.where()
    totals = {r["country"]: dict(r) for r in reader.execute(
        f"select country, sum(documents) as documents, sum(sentences) as sentences from side_daily "
        f"where {where} group by country", params).rows}
    counts = {}
    for r in reader.execute(
            f"select country, frame, sum(documents) as documents, sum(sentences) as sentences from frame_daily "
            f"where {where} group by country, frame", params).rows:
        counts[(r["country"], r["frame"])] = (r["documents"], r["sentences"])
    rows = []
    for frame in frames:
        slug = frame["slug"]
        row = {"frame": slug, "sides": {}}
        for country in filters.sides:
            n_docs = (totals.get(country) or {}).get("documents") or 0
            n_sents = (totals.get(country) or {}).get("sentences") or 0
            k_docs, k_sents = counts.get((country, slug), (0, 0))
            row["sides"][country] = {
                "documents": dict(share(k_docs, n_docs),
                                  k_url=links.table("document_frames", country, [("frame", slug)]),
                                  n_url=links.table("document_analysis", country)),
                "sentences": dict(share(k_sents, n_sents),
                                  k_url=links.table("sentence_frames", country, [("frame", slug)]),
                                  n_url=links.table("sentences", country)),
            }
        a, b = row["sides"][filters.a], row["sides"][filters.b]
        row["documents_test"] = stats.two_proportions(a["documents"]["k"], a["documents"]["n"],
                                                      b["documents"]["k"], b["documents"]["n"])
        row["sentences_test"] = stats.two_proportions(a["sentences"]["k"], a["sentences"]["n"],
                                                      b["sentences"]["k"], b["sentences"]["n"])
        rows.append(row)
    sides = {c: {"documents": (totals.get(c) or {}).get("documents") or 0,
                 "sentences": (totals.get(c) or {}).get("sentences") or 0,
                 "documents_url": links.table("document_analysis", c),
                 "sentences_url": links.table("sentences", c)} for c in filters.sides}
    return rows, sides


def bucket_expression(first, last):
    """Weekly buckets for spans up to 26 weeks, monthly beyond (SQL over ``day``, and its name)."""
    if first and last:
        span = (dt.date.fromisoformat(last) - dt.date.fromisoformat(first)).days
        if span <= 26 * 7:
            return "date(day, 'weekday 0', '-6 days')", "week"
    return "substr(day, 1, 7)", "month"


def timeline(reader, filters, links, frame, span):
    first = filters.date_from or span[0]
    last = filters.date_to or span[1]
    expression, unit = bucket_expression(first, last)
    where, params = filters.where()
    totals = {(r[0], r[1]): r[2] for r in reader.execute(
        f"select {expression} as bucket, country, sum(documents) from side_daily where {where} and day is not null "
        f"group by bucket, country", params).rows}
    hits = {(r[0], r[1]): r[2] for r in reader.execute(
        f"select {expression} as bucket, country, sum(documents) from frame_daily where {where} and frame = ? "
        f"and day is not null group by bucket, country", params + [frame]).rows}
    buckets = sorted({b for b, _ in totals})
    points = []
    for bucket in buckets:
        start, end = _bucket_range(bucket, unit)
        point = {"bucket": bucket, "start": start, "end": end, "sides": {}}
        for country in filters.sides:
            n = totals.get((bucket, country), 0)
            k = hits.get((bucket, country), 0)
            day_filter = [("day__gte", max(start, filters.date_from or start)),
                          ("day__lte", min(end, filters.date_to or end))]
            point["sides"][country] = dict(
                share(k, n),
                k_url=_replace_days(links.table("document_frames", country, [("frame", frame)]), day_filter),
                n_url=_replace_days(links.table("document_analysis", country), day_filter),
            )
        points.append(point)
    where_events = "date >= ? and date <= ?" if first and last else "1 = 1"
    events = []
    if reader.table_exists("events"):
        events = [dict(r) for r in reader.execute(
            f"select id, date, title, description, country from events where {where_events} order by date",
            [first, last] if first and last else []).rows]
    return {"frame": frame, "unit": unit, "points": points, "events": events}


def _bucket_range(bucket, unit):
    if unit == "week":
        start = dt.date.fromisoformat(bucket)
        return start.isoformat(), (start + dt.timedelta(days=6)).isoformat()
    year, month = int(bucket[:4]), int(bucket[5:7])
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return f"{bucket}-01", (following - dt.timedelta(days=1)).isoformat()


def _replace_days(url, day_filter):
    base, _, query = url.partition("?")
    args = [(k, v) for k, v in urllib.parse.parse_qsl(query) if k not in ("day__gte", "day__lte")]
    return base + "?" + urllib.parse.urlencode(args + day_filter)


def stance(reader, filters, links):
    where, params = filters.where()
    rows = {r["country"]: dict(r) for r in reader.execute(
        f"select country, sum(documents) as documents, sum(stance_supports) as supports, "
        f"sum(stance_opposes) as opposes, sum(stance_neutral) as neutral, sum(stance_none) as none "
        f"from side_daily where {where} group by country", params).rows}
    out = {}
    for country in filters.sides:
        row = rows.get(country) or {}
        n = row.get("documents") or 0
        out[country] = {
            value: dict(share(row.get(value) or 0, n),
                        k_url=links.table("document_analysis", country, [("designation_stance", value)]))
            for value in ("supports", "opposes", "neutral", "none")
        }
    return out


def _per_frame_and_side(reader, filters, frames, first, second, cell):
    """[{frame, sides: {country: cell(country, slug, sum(first), sum(second))}}] from frame_daily."""
    where, params = filters.where()
    rows = {(r[0], r[1]): (r[2], r[3]) for r in reader.execute(
        f"select country, frame, sum([{first}]), sum([{second}]) from frame_daily where {where} "
        f"group by country, frame", params).rows}
    return [{"frame": f["slug"],
             "sides": {c: cell(c, f["slug"], *rows.get((c, f["slug"]), (0, 0))) for c in filters.sides}}
            for f in frames]


def tone_by_frame(reader, filters, links, frames):
    def cell(country, slug, total, n):
        return {
            "mean": (total / n) if n else None, "n": n, "small": n < stats.MIN_N,
            "n_url": links.table("sentence_frames", country, [("frame", slug), ("polarity__notnull", "1")]),
        }

    return _per_frame_and_side(reader, filters, frames, "polarity_sum", "toned_sentences", cell)


def cooccurrence(reader, filters, links, limit=10):
    where, params = filters.where()
    rows = reader.execute(
        f"select country, frame_a, frame_b, sum(documents) as documents from pair_daily where {where} "
        f"group by country, frame_a, frame_b order by documents desc", params).rows
    out = {c: [] for c in filters.sides}
    for r in rows:
        if len(out[r["country"]]) < limit:
            out[r["country"]].append({
                "frame_a": r["frame_a"], "frame_b": r["frame_b"], "documents": r["documents"],
                "url": links.query("framing_documents_with_two_frames", _pair_params(filters, r["country"], r["frame_a"], r["frame_b"])),
            })
    return out


def _pair_params(filters, country, frame_a, frame_b):
    return {"frame_a": frame_a, "frame_b": frame_b, "country": country,
            "kind": "" if filters.kind == "both" else filters.kind, "language": filters.language or "",
            "from": filters.date_from or "", "to": filters.date_to or "",
            "outlets": json.dumps(filters.outlets, ensure_ascii=False) if filters.outlets else ""}


PAIR_QUERY_SQL = """
select a.document_id, d.title, d.outlet, d.published, a.frame as frame_a, b.frame as frame_b
from document_frames a
join document_frames b on b.document_id = a.document_id and b.frame = :frame_b
join documents d on d.id = a.document_id
where a.frame = :frame_a and a.country = :country
  and (:kind = '' or a.kind = :kind)
  and (:language = '' or a.language = :language)
  and (:from = '' or a.day >= :from)
  and (:to = '' or a.day <= :to)
  and (:outlets = '' or a.outlet in (select value from json_each(:outlets)))
order by d.published
"""


def quoted(reader, filters, links):
    """Who is quoted in each side's documents (attributed sentences by speaker country)."""
    where, params = filters.where()
    rows = reader.execute(
        f"select country, speaker_country, sum(sentences) as sentences from quote_daily where {where} "
        f"group by country, speaker_country order by sentences desc", params).rows
    totals = {}
    for r in rows:
        totals[r["country"]] = totals.get(r["country"], 0) + r["sentences"]
    out = {c: [] for c in filters.sides}
    for r in rows:
        speaker = r["speaker_country"]
        extra = [("quote_type__notnull", "1")] + ([("speaker_country", speaker)] if speaker else [("speaker_country__isnull", "1")])
        out[r["country"]].append(dict(share(r["sentences"], totals[r["country"]]), speaker_country=speaker,
                                      k_url=links.table("sentences", r["country"], extra)))
    return out


def voice_by_frame(reader, filters, links, frames):
    """Per frame and side: sentences attributed to a speaker vs the outlet's own sentences."""
    def cell(country, slug, total, quoted_n):
        return {
            "quoted": dict(share(quoted_n, total),
                           k_url=links.table("sentence_frames", country, [("frame", slug), ("quoted", "1")])),
            "own": {"k": total - quoted_n,
                    "k_url": links.table("sentence_frames", country, [("frame", slug), ("quoted", "0")])},
        }

    return _per_frame_and_side(reader, filters, frames, "sentences", "quoted_sentences", cell)


def outlets_for_frame(reader, filters, links, frame, limit=12):
    where, params = filters.where()
    totals = {(r[0], r[1]): r[2] for r in reader.execute(
        f"select country, outlet, sum(documents) from side_daily where {where} group by country, outlet", params).rows}
    rows = reader.execute(
        f"select country, outlet, sum(documents) as documents from frame_daily where {where} and frame = ? "
        f"group by country, outlet", params + [frame]).rows
    out = []
    for r in rows:
        n = totals.get((r["country"], r["outlet"]), 0)
        extra = [("outlet", r["outlet"])] if r["outlet"] else [("outlet__isnull", "1")]
        out.append(dict(share(r["documents"], n), country=r["country"], outlet=r["outlet"],
                        k_url=_drop_outlet_in(links.table("document_frames", r["country"], [("frame", frame)] + extra)),
                        n_url=_drop_outlet_in(links.table("document_analysis", r["country"], extra))))
    out.sort(key=lambda r: (-r["k"], -(r["share"] or 0)))
    return out[:limit]


def _drop_outlet_in(url):
    base, _, query = url.partition("?")
    return base + "?" + urllib.parse.urlencode([(k, v) for k, v in urllib.parse.parse_qsl(query) if k != "outlet__in"])


def evidence(reader, filters, frame, country, limit=8):
    """Sentences of one side carrying a frame, most matched terms first, with their hits."""
    where, params = filters.where(country=country, table="sf")
    rows = [dict(r) for r in reader.execute(
        f"""
        select s.id, s.text, s.document_id, s.speaker, s.speaker_country, s.polarity, d.title, d.outlet, d.published,
          (select count(*) from frame_hits h where h.sentence_id = s.id and h.frame = ?) as hit_count
        from sentence_frames sf join sentences s on s.id = sf.sentence_id join documents d on d.id = s.document_id
        where {where} and sf.frame = ?
        order by hit_count desc, length(s.text) asc, s.id
        limit ?
        """, [frame] + params + [frame, limit]).rows]
    for row in rows:
        hits = [dict(h) for h in reader.execute(
            "select frame, term, start, end from frame_hits where sentence_id = ? order by start", [row["id"]]).rows]
        row["segments"] = highlight(row["text"], hits)
    return rows


def highlight(text, hits):
    """Split ``text`` into segments [{text, frame}] so a template can wrap hits in marks.

    Overlapping hits: the earlier-starting one wins; the rest of the overlap stays plain.
    """
    segments, cursor = [], 0
    for hit in sorted(hits, key=lambda h: (h["start"], -(h["end"] - h["start"]))):
        start, end = max(hit["start"], cursor), hit["end"]
        if end <= start:
            continue
        if start > cursor:
            segments.append({"text": text[cursor:start], "frame": None})
        segments.append({"text": text[start:end], "frame": hit["frame"], "term": hit.get("term")})
        cursor = end
    if cursor < len(text):
        segments.append({"text": text[cursor:], "frame": None})
    return segments


STOPWORDS = {
    "en": set("""a about above after again against all also am an and any are as at be because been before being
        below between both but by can could did do does doing down during each few for from further had has have
        having he her here hers herself him himself his how i if in into is it its itself just me more most my
        myself no nor not now of off on once only or other our ours ourselves out over own s same she should so
        some such t than that the their theirs them themselves then there these they this those through to too
        under until up very was we were what when where which while who whom why will with would you your yours
        yourself yourselves said says say told would could one two three new also after last year years week
        month since still may might us u mr ms""".split()),
    "es": set("""a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e el
        ella ellas ellos en entre era erais eran eras eres es esa esas ese eso esos esta estaba estaban estado
        estais estamos estan estar estas este esto estos estoy fue fueron fui fuimos ha habia habian han has hasta
        hay la las le les lo los mas me mi mis mucho muchos muy nada ni no nos nosotros o os otra otras otro otros
        para pero poco por porque que quien quienes se sea sean ser si sido sin sobre sois solo son soy su sus
        suya suyo tambien tanto te tenia tenian tener tiene tienen todo todos tu tus un una uno unos usted ustedes
        vosotros y ya yo dijo dijeron afirmo senalo aseguro segun tras este esta ese asi sus cada dos tres ano anos
        semana mes lunes martes miercoles jueves viernes sabado domingo sr ee uu eu""".split()),
}


def distinctive_terms_or_skip(reader, filters, language):
    """The distinctive-language panel, or a note when its sentence scan exceeds Datasette's
    ``sql_time_limit_ms``: the only panel that reads sentence text, it must not take the page down."""
    from datasette.database import QueryInterrupted

    try:
        return distinctive_terms(reader, filters, language)
    except QueryInterrupted:
        return {"language": language, "skipped": "reading the sentences took longer than this Datasette "
                                                 "allows (sql_time_limit_ms); narrow the filters to see it"}


def distinctive_terms(reader, filters, language, per_side=15, max_sentences=4000):
    """Weighted log-odds (informative Dirichlet prior) of words and two-word phrases, side a vs b,
    over the sentences of one language (evenly sampled above ``max_sentences`` per side)."""
    from .analysis.text import fold, TOKEN

    stop = STOPWORDS.get(language, set())
    counts, sampled = {}, {}
    for country in filters.sides:
        where, params = filters.where(country=country)
        where += " and language = ?"
        params = params + [language]
        total = reader.execute(f"select count(*) from sentences where {where}", params).first()[0]
        step = max(1, -(-total // max_sentences))
        rows = reader.execute(
            f"select text from sentences where {where} and id % ? = 0 limit ?", params + [step, max_sentences]).rows
        sampled[country] = {"sentences": len(rows), "of": total}
        counter = {}
        for (text,) in rows:
            words = [fold(m.group()) for m in TOKEN.finditer(text)]
            words = [w for w in words if len(w) > 2 and not w.isdigit()]
            previous = None
            for w in words:
                if w in stop:
                    previous = None
                    continue
                counter[w] = counter.get(w, 0) + 1
                if previous:
                    bigram = previous + " " + w
                    counter[bigram] = counter.get(bigram, 0) + 1
                previous = w
        counts[country] = counter
    a, b = counts[filters.a], counts[filters.b]
    # Rare terms say little and cost time: keep those seen at least 3 times in all.
    a = {w: c for w, c in a.items() if c + b.get(w, 0) >= 3}
    b = {w: c for w, c in b.items() if c + a.get(w, 0) >= 3}
    # Log-odds compare a term with the rest of the vocabulary: with fewer than two terms there is no rest.
    scores = stats.log_odds(a, b) if len(set(a) | set(b)) >= 2 else {}
    ranked = sorted(scores.items(), key=lambda kv: kv[1][1])
    def entry(term, z, country):
        return {"term": term, "z": z, "count_a": a.get(term, 0), "count_b": b.get(term, 0), "country": country}
    return {
        "language": language,
        "sampled": sampled,
        filters.a: [entry(t, z, filters.a) for t, (d, z) in reversed(ranked[-per_side:]) if z > stats.Z95],
        filters.b: [entry(t, z, filters.b) for t, (d, z) in ranked[:per_side] if z < -stats.Z95],
    }

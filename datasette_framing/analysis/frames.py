"""Frames of one sentence, with every matched term and its offsets.

``match_sentence(sentence, language, codebook)`` scans the sentence once with the
codebook's matcher and sorts what it finds: frame hits (kept when their context
conditions hold and no exclusion overlaps them), actors, and stance cues.
"""
from dataclasses import dataclass
import re

from .text import tokenize

# Where an off-topic cue's reach ends: the end of its clause.
CLAUSE_END = re.compile(r"[;:()\[\]\u2014\u2013]| - ")
COMMA = re.compile(",")


@dataclass
class Hit:
    frame: str
    term: str
    start: int
    end: int
    pattern: str

    def as_dict(self):
        return {"frame": self.frame, "term": self.term, "start": self.start, "end": self.end}


@dataclass
class SentenceMatches:
    hits: list
    actors: list  # (actor_id, start, end)
    stance: dict  # side -> count of cues

    @property
    def frames(self):
        return sorted({h.frame for h in self.hits})


def match_sentence(sentence, language, codebook):
    languages = [language] if language in codebook.matchers else list(codebook.matchers)
    if any(rx.match(sentence) for rx in codebook.boilerplate):
        return SentenceMatches([], [], {"supports": 0, "opposes": 0})
    hits, actors, stance = [], [], {"supports": 0, "opposes": 0}
    for lang in languages:
        tokens = tokenize(sentence, lang)
        if not tokens:
            continue
        found = list(codebook.matchers[lang].find(tokens))
        groups = {}  # context group -> token spans where it matched
        excluded = {}
        off_topic = []
        for pattern, first, last in found:
            kind, value = pattern.payload
            if kind == "context":
                for gid in value:  # a cue shared by several context groups is matched once
                    groups.setdefault(gid, []).append((first, last))
            elif kind == "exclude":
                excluded.setdefault(value, []).append((tokens[first].start, tokens[last].end))
            elif kind == "off_topic":
                # "has nothing to do with military drones; ..." - what follows, to the end of the
                # clause, is named only to be set aside.
                end = tokens[last].end
                stop = CLAUSE_END.search(sentence, end)
                off_topic.append((end, stop.start() if stop else len(sentence)))
        for pattern, first, last in found:
            kind, value = pattern.payload
            start, end = tokens[first].start, tokens[last].end
            if kind == "frame":
                rule = value
                if rule.with_group is not None and not _other_cue(
                        groups.get(rule.with_group, ()), first, last, pattern.gapped):
                    continue
                if rule.without_group is not None and rule.without_group in groups:
                    continue
                if rule.requires_group is not None and rule.requires_group not in groups:
                    continue
                if any(s < end and start < e for s, e in excluded.get(rule.frame, ())):
                    continue
                if any(s <= start and end <= e for s, e in off_topic):
                    continue
                hits.append(Hit(rule.frame, sentence[start:end], start, end, pattern.source))
            elif kind == "actor":
                actors.append((value, start, end))
            elif kind == "stance":
                stance[value] += 1
    # A topic list needs hits of min_frames frames (checked cheaply first: most sentences have none).
    if codebook.lists is not None and "," in sentence and len({h.frame for h in hits}) >= codebook.lists.min_frames:
        hits = _drop_topic_lists(sentence, hits, codebook.lists, language, tokens)
    return SentenceMatches(_dedupe(hits), _dedupe_spans(actors), stance)


def _other_cue(spans, first, last, gapped):
    """Is one of these ``with`` cue spans (token indexes) evidence beyond the match itself?

    A cue made only of the matched words does not count: a context that contains the matched
    word ("intervention" among the military words) would otherwise vouch for the match by
    itself.  A cue reaching past the match counts, and so do the words a ``...`` gap skipped
    (a cue strictly between the two ends of a gapped match)."""
    for f, l in spans:
        if f < first or l > last:
            return True
        if gapped and f > first and l < last:
            return True
    return False


def list_items(sentence, conjunctions, max_words, breaks=frozenset(), tokens=None):
    """The items of each comma-separated list in a sentence, as lists of (start, end) spans.

    "to discuss tariffs, migration and the fight against fentanyl" has three items: the end of
    the segment before the first comma (as many words as the longest middle item), each short
    segment between commas, and the first ``max_words`` words after the final conjunction
    ("and", "or", ...).  Inner items longer than ``max_words`` words, or starting with one of
    ``breaks`` (a word that opens a clause: see ``_clause_opener``), end the list.
    ``tokens`` (the sentence's tokens, if already made) saves splitting the words again.
    """
    if tokens is None:
        tokens = tokenize(sentence, None)
    opens_clause = _clause_opener(breaks)
    lists = []
    for segments in _clause_segments(sentence, tokens):
        i = 0
        while i < len(segments) - 1:
            items, j, closed = [], i + 1, False
            while j < len(segments):
                words = segments[j]
                if not words or opens_clause(words[0][2]) or (
                        len(words) > 1 and words[0][2] in conjunctions and opens_clause(words[1][2])):
                    break
                if words[0][2] in conjunctions:                   # ", and C" (serial comma)
                    items.append(words[1:1 + max_words])
                    closed = True
                    break
                joins = [k for k, w in enumerate(words) if w[2] in conjunctions]
                if joins and 0 < joins[0] <= max_words and not (
                        joins[0] + 1 < len(words) and opens_clause(words[joins[0] + 1][2])):  # ", B and C"
                    items.append(words[:joins[0]])
                    items.append(words[joins[0] + 1:joins[0] + 1 + max_words])
                    closed = True
                    break
                if len(words) > max_words:
                    break
                items.append(words)                                # ", B," (a middle item)
                j += 1
            # The first item is the end of the segment before the first comma, as long as the
            # longest middle item (the words before it belong to the sentence, not the list).
            middle = [len(item) for item in items[:-1]] or [max_words]
            first = segments[i][-max(middle):]
            items = [item for item in [first] + items if item]
            if closed and len(items) >= 2:
                lists.append([(item[0][0], item[-1][1]) for item in items])
                i = j
            i += 1
    return lists


def _clause_opener(breaks):
    """A test for a word that opens a clause rather than a list item: one of ``breaks``, or a
    word with one of its ``*suffix`` entries (``*ing`` for "acting on ...", ``*ando`` for "buscando ...")."""
    suffixes = tuple(b[1:] for b in breaks if b[:1] == "*")
    return lambda word: word in breaks or (bool(suffixes) and word.endswith(suffixes))


def _clause_segments(sentence, tokens):
    """Per clause, its comma-separated segments as lists of (start, end, folded word)."""
    cuts = sorted([(m.start(), True) for m in CLAUSE_END.finditer(sentence)]
                  + [(m.start(), False) for m in COMMA.finditer(sentence)])
    cuts.append((len(sentence), True))
    segments, t = [], 0
    for position, ends_clause in cuts:
        words = []
        while t < len(tokens) and tokens[t].start < position:
            words.append((tokens[t].start, tokens[t].end, tokens[t].folded))
            t += 1
        segments.append(words)
        if ends_clause:
            yield segments
            segments = []


def _words_for(words, language):
    """The language's words; for a language the codebook does not list, those of every language."""
    if language in words:
        return words[language]
    return set().union(*words.values()) if words else set()


def _drop_topic_lists(sentence, hits, rule, language, tokens):
    conjunctions, breaks = _words_for(rule.conjunctions, language), _words_for(rule.breaks, language)
    if not conjunctions:
        return hits
    for items in list_items(sentence, conjunctions, rule.max_item_words, breaks, tokens):
        if len(items) < rule.min_items:
            continue
        inside = {}
        for index, hit in enumerate(hits):
            for item, (s, e) in enumerate(items):
                if s <= hit.start and hit.end <= e:
                    inside[index] = item
        frames = {hits[index].frame for index in inside}
        if len(frames) >= rule.min_frames and len(set(inside.values())) >= rule.min_frames:
            hits = [hit for index, hit in enumerate(hits) if index not in inside]
    return hits


def _dedupe(hits):
    """One hit per frame and span; a hit inside a longer hit of the same frame is dropped."""
    hits.sort(key=lambda h: (h.frame, h.start, -(h.end - h.start)))
    kept = []
    for hit in hits:
        if kept and kept[-1].frame == hit.frame and hit.start >= kept[-1].start and hit.end <= kept[-1].end:
            continue
        kept.append(hit)
    kept.sort(key=lambda h: (h.start, h.frame))
    return kept


def _dedupe_spans(actors):
    actors.sort(key=lambda a: (a[1], -(a[2] - a[1])))
    kept = []
    for actor in actors:
        if kept and actor[1] < kept[-1][2]:
            continue  # overlaps a longer alias that starts earlier or at the same place
        kept.append(actor)
    return kept

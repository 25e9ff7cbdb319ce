"""Frames of one sentence, with every matched term and its offsets.

``match_sentence(sentence, language, codebook)`` scans the sentence once with the
codebook's matcher and sorts what it finds: frame hits (kept when their context
conditions hold and no exclusion overlaps them), actors, and stance cues.
"""
from dataclasses import dataclass

from .text import tokenize


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
        groups = set()
        excluded = {}
        for pattern, first, last in found:
            kind, value = pattern.payload
            if kind == "context":
                groups.add(value)
            elif kind == "exclude":
                excluded.setdefault(value, []).append((tokens[first].start, tokens[last].end))
        for pattern, first, last in found:
            kind, value = pattern.payload
            start, end = tokens[first].start, tokens[last].end
            if kind == "frame":
                rule = value
                if rule.with_group is not None and rule.with_group not in groups:
                    continue
                if rule.without_group is not None and rule.without_group in groups:
                    continue
                if any(s < end and start < e for s, e in excluded.get(rule.frame, ())):
                    continue
                hits.append(Hit(rule.frame, sentence[start:end], start, end, pattern.source))
            elif kind == "actor":
                actors.append((value, start, end))
            elif kind == "stance":
                stance[value] += 1
    return SentenceMatches(_dedupe(hits), _dedupe_spans(actors), stance)


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

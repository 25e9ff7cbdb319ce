"""Tone of a sentence: (polarity -1..1, subjectivity 0..1).

English: TextBlob's pattern-based analyzer (a lexicon shipped inside TextBlob; no NLTK
data is needed for sentiment on a string).  Spanish: TextBlob has no analyzer, so a
lexicon written by the team (``codebooks/tone_es.yml``) scored the way TextBlob scores
English: the mean of the matched words, negation flips and halves, intensifiers
multiply.  Its agreement with hand-coded Spanish sentences is in the README.
Other languages get (None, None): no tone is better than a wrong one.
"""
from functools import lru_cache
import os

import yaml

from .text import fold, stem, tokenize

LEXICON_ES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "codebooks", "tone_es.yml")


def tone(text, language):
    if language == "en":
        return tone_en(text)
    if language == "es":
        return tone_es(text)
    return None, None


def tone_en(text):
    # TextBlob's English analyzer object, called directly: the same lexicon and scores as
    # TextBlob(text).sentiment, without building a result class on every call.
    from textblob.en import sentiment

    polarity, subjectivity = sentiment(text)
    return round(polarity, 4), round(subjectivity, 4)


@lru_cache(maxsize=1)
def _lexicon_es():
    with open(LEXICON_ES, encoding="utf-8") as fp:
        data = yaml.safe_load(fp)
    by_stem, by_prefix = {}, []
    for word, (polarity, subjectivity) in data["words"].items():
        if word.endswith("*"):
            by_prefix.append((fold(word[:-1]), polarity, subjectivity))
        else:
            by_stem[stem(fold(word), "es")] = (polarity, subjectivity)
    # Longest prefixes first so "narcoterror*" wins over "terror*".
    by_prefix.sort(key=lambda p: -len(p[0]))
    negators = {fold(w) for w in data["negators"]}
    intensifiers = {fold(w): float(v) for w, v in data["intensifiers"].items()}
    return by_stem, by_prefix, negators, intensifiers


_MISSING = object()
_memo = {}


def _lookup(token, by_stem, by_prefix):
    """(polarity, subjectivity) of a word, or None; remembered per word (vocabularies repeat)."""
    found = _memo.get(token.folded, _MISSING)
    if found is not _MISSING:
        return found
    found = by_stem.get(token.stem)
    if found is None:
        for prefix, polarity, subjectivity in by_prefix:
            if token.folded.startswith(prefix):
                found = (polarity, subjectivity)
                break
    if len(_memo) < 500_000:
        _memo[token.folded] = found
    return found


def tone_es(text):
    by_stem, by_prefix, negators, intensifiers = _lexicon_es()
    tokens = tokenize(text, "es")
    polarities, subjectivities = [], []
    for i, token in enumerate(tokens):
        if token.folded in negators or token.folded in intensifiers:
            continue
        entry = _lookup(token, by_stem, by_prefix)
        if entry is None:
            continue
        polarity, subjectivity = entry
        window = [t.folded for t in tokens[max(0, i - 3):i]]
        if window and window[-1] in intensifiers:
            factor = intensifiers[window[-1]]
            polarity = max(-1.0, min(1.0, polarity * factor))
            subjectivity = min(1.0, subjectivity * factor)
        if any(w in negators for w in window):
            polarity = polarity * -0.5
        polarities.append(polarity)
        subjectivities.append(subjectivity)
    if not polarities:
        return 0.0, 0.0
    return (round(sum(polarities) / len(polarities), 4),
            round(sum(subjectivities) / len(subjectivities), 4))

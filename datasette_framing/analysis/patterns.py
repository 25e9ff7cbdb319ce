"""A small pattern language over tokens, compiled once, matched in one scan per sentence.

A pattern is words separated by spaces; every word is compared with accents and case
ignored:

- ``word``      any inflection: the token's Snowball stem equals the word's stem
                (``drone`` matches drones, ``arancel`` matches aranceles);
- ``word*``     any word starting with ``word`` (``designat*``: designate, designated,
                designation; but not design);
- ``=word``     exactly this word, no stemming (``=fto``);
- ``a|b|c*``    any of these alternatives in one place;
- ``word?``     an optional word;
- ``...``       up to four other words in between.

Punctuation is ignored, so ``u s`` matches "U.S." and ``ee uu`` matches "EE.UU.".
"""
from dataclasses import dataclass

from .text import fold, stem, TOKEN

GAP = 4


class PatternError(ValueError):
    pass


@dataclass(frozen=True)
class Slot:
    alternatives: tuple  # of (kind, value): kind in stem/prefix/exact
    optional: bool = False
    gap: bool = False


@dataclass
class Pattern:
    source: str
    language: str
    slots: tuple
    payload: object = None  # whatever the caller attaches (frame, role...)
    gapped: bool = False  # has a ``...`` gap: the words it skips are not part of the match


def compile_pattern(source, language, payload=None):
    slots = []
    for word in source.split():
        if word == "...":
            if not slots:
                raise PatternError(f"pattern {source!r} cannot start with '...'")
            slots.append(Slot((), gap=True))
            continue
        optional = word.endswith("?") and len(word) > 1
        if optional:
            word = word[:-1]
        alternatives = []
        for alt in word.split("|"):
            if not alt:
                raise PatternError(f"empty alternative in pattern {source!r}")
            if alt.startswith("="):
                for part in _words(alt[1:], source):
                    alternatives.append(("exact", part))
            elif alt.endswith("*"):
                parts = _words(alt[:-1], source)
                if len(parts) != 1:
                    raise PatternError(f"prefix {alt!r} in pattern {source!r} must be one word")
                alternatives.append(("prefix", parts[0]))
            else:
                parts = _words(alt, source)
                if len(parts) != 1:
                    raise PatternError(
                        f"{alt!r} in pattern {source!r} splits into several words; separate them with spaces"
                    )
                alternatives.append(("stem", stem(parts[0], language)))
        slots.append(Slot(tuple(alternatives), optional=optional))
    if not slots or slots[-1].gap:
        raise PatternError(f"pattern {source!r} is empty or ends with '...'")
    _check_phrase_alternatives(source, slots)
    if slots[0].optional:
        raise PatternError(f"pattern {source!r} cannot start with an optional word")
    return Pattern(source, language, tuple(slots), payload, any(slot.gap for slot in slots))


def _check_phrase_alternatives(source, slots):
    """Refuse the commonest codebook mistake: alternative *phrases* written with ``|``.

    ``|`` alternates words in one place, so ``fiscal general|fiscales`` means "fiscal general"
    or "fiscal fiscales", never "fiscales" alone.  The sign is a word that comes back among the
    alternatives of a later place; the shipped codebook had some thirty such patterns."""
    seen = set()
    for slot in slots:
        if slot.gap:
            continue
        words = {value for _, value in slot.alternatives}
        if len(slot.alternatives) > 1 and words & seen:
            raise PatternError(
                f"pattern {source!r} repeats {sorted(words & seen)[0]!r} among the alternatives of a later word: "
                "'|' alternates single words in one place; write alternative phrases as separate patterns")
        seen |= words


def _words(text, source):
    words = [fold(m.group()) for m in TOKEN.finditer(text)]
    if not words:
        raise PatternError(f"pattern {source!r} has a part with no letters or digits")
    return words


def _slot_matches(slot, token):
    for kind, value in slot.alternatives:
        if kind == "stem":
            if token.stem == value:
                return True
        elif kind == "exact":
            if token.folded == value:
                return True
        elif token.folded.startswith(value):
            return True
    return False


class Matcher:
    """Index of compiled patterns of one language, keyed by what their first word can be."""

    CACHE_SIZE = 100_000  # words whose candidate patterns are remembered

    def __init__(self, patterns):
        self.patterns = list(patterns)
        self.by_stem, self.by_exact, self.by_prefix = {}, {}, {}
        self._cache = {}
        for pattern in self.patterns:
            for kind, value in pattern.slots[0].alternatives:
                if kind == "stem":
                    self.by_stem.setdefault(value, []).append(pattern)
                elif kind == "exact":
                    self.by_exact.setdefault(value, []).append(pattern)
                else:
                    self.by_prefix.setdefault(value[:3], []).append((value, pattern))

    def candidates(self, token):
        """The patterns whose first word can be this token, each once (remembered per word)."""
        key = token.folded  # a word's stem follows from its folded form in one language
        found = self._cache.get(key)
        if found is None:
            found, seen = [], set()
            for pattern in (*self.by_stem.get(token.stem, ()), *self.by_exact.get(token.folded, ()),
                            *(p for prefix, p in self.by_prefix.get(token.folded[:3], ())
                              if token.folded.startswith(prefix))):
                if id(pattern) not in seen:
                    seen.add(id(pattern))
                    found.append((pattern, len(pattern.slots) == 1))
            if len(self._cache) >= self.CACHE_SIZE:
                self._cache.clear()
            self._cache[key] = found = tuple(found)
        return found

    def find(self, tokens):
        """Yield (pattern, first_token_index, last_token_index) for every match."""
        for i, token in enumerate(tokens):
            for pattern, single in self.candidates(token):
                if single:
                    yield pattern, i, i
                    continue
                end = _match_rest(pattern.slots, 1, tokens, i + 1)
                if end is not None:
                    yield pattern, i, end - 1


def _match_rest(slots, s, tokens, t):
    """Index one past the last matched token, or None."""
    if s == len(slots):
        return t
    slot = slots[s]
    if slot.gap:
        for skip in range(0, GAP + 1):
            if t + skip > len(tokens):
                break
            found = _match_rest(slots, s + 1, tokens, t + skip)
            if found is not None:
                return found
        return None
    if t < len(tokens) and _slot_matches(slot, tokens[t]):
        found = _match_rest(slots, s + 1, tokens, t + 1)
        if found is not None:
            return found
    if slot.optional:
        return _match_rest(slots, s + 1, tokens, t)
    return None

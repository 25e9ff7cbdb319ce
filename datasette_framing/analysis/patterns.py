"""A small pattern language over tokens, compiled once, matched in one scan per sentence.

A pattern is words separated by spaces; every word is compared with accents and case
ignored:

- ``word``      any inflection: the token's Snowball stem equals the word's stem
                (``drone`` matches drones, ``arancel`` matches aranceles);
- ``word*``     any word starting with ``word`` (``designat*``: designate, designated,
                designation; but not design);
- ``=word``     exactly this word, no stemming (``=fto``);
- ``a|b|c*``    any of these alternatives in one place (single words);
- ``(a b|c)``   any of these phrases: the pattern stands for one pattern per phrase
                (``(real estate|arms) deal``: "real estate deal", "arms deal"); a ``?``
                after the bracket makes the phrase optional;
- ``word?``     an optional word;
- ``...``       up to four other words in between.

Punctuation is ignored, so ``u s`` matches "U.S." and ``ee uu`` matches "EE.UU.".
"""
from dataclasses import dataclass

from .text import fold, stem, TOKEN

GAP = 4
MAX_PHRASES = 64  # patterns one source may stand for through its (...) groups


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


def expand_phrases(source):
    """The patterns a source stands for: one per choice of phrase in each ``(...)`` group.

    ``(a b|c)? d`` gives "a b d", "c d" and "d".  A group stands as whole words (a space or
    the pattern's edge on both sides) and holds no other group."""
    if "(" not in source and ")" not in source:
        return [source]
    out, pos = [""], 0
    while True:
        start, close = source.find("(", pos), source.find(")", pos)
        if close != -1 and (start == -1 or close < start):
            raise PatternError(f"pattern {source!r} closes a ')' it never opened")
        if start == -1:
            out = [done + source[pos:] for done in out]
            break
        end = source.find(")", start + 1)
        if end == -1:
            raise PatternError(f"pattern {source!r} opens a '(' it never closes")
        inner = source[start + 1:end]
        if "(" in inner:
            raise PatternError(f"pattern {source!r} puts a group inside a group")
        optional = source[end + 1:end + 2] == "?"
        after = end + 1 + optional
        if (start > 0 and not source[start - 1].isspace()) or (after < len(source) and not source[after].isspace()):
            raise PatternError(f"the group {source[start:after]!r} in pattern {source!r} must stand apart, "
                               "with a space on each side")
        phrases = [" ".join(phrase.split()) for phrase in inner.split("|")]
        if not all(phrases):
            raise PatternError(f"empty phrase in the group {source[start:after]!r} of pattern {source!r}")
        if optional:
            phrases.append("")
        out = [done + source[pos:start] + phrase for done in out for phrase in phrases]
        if len(out) > MAX_PHRASES:
            raise PatternError(f"pattern {source!r} stands for more than {MAX_PHRASES} patterns; split it")
        pos = after
    return [" ".join(pattern.split()) for pattern in out]


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
                "'|' alternates single words in one place; write alternative phrases in a group, "
                "'(fiscal general|fiscales)', or as separate patterns")
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

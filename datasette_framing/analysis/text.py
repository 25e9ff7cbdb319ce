"""Tokens with character offsets, folded (case and accents) and stemmed per language."""
from functools import lru_cache
import re
import unicodedata

import snowballstemmer

STEMMER_LANGUAGES = {"en": "english", "es": "spanish", "pt": "portuguese", "fr": "french",
                     "de": "german", "it": "italian"}
TOKEN = re.compile(r"\w+", re.UNICODE)


def _combining_marks():
    """A character class of the combining marks (what NFKD splits accents into).

    Only the Basic Multilingual Plane: Python's regex engine matches a BMP class with a
    bitmap (fast), and the marks beyond it (musical notation, historic scripts) do not
    occur in news text.
    """
    marks = [chr(c) for c in range(0x10000) if unicodedata.combining(chr(c)) and not 0xD800 <= c <= 0xDFFF]
    return re.compile("[" + "".join(re.escape(m) for m in marks) + "]+")


COMBINING = _combining_marks()


def fold_text(text):
    """Lower case without accents, for any length of text."""
    return COMBINING.sub("", unicodedata.normalize("NFKD", text.casefold()))


@lru_cache(maxsize=200_000)
def fold(word):
    """Lower case without accents: ``Intervención`` -> ``intervencion``."""
    return fold_text(word)


@lru_cache(maxsize=2)
def fold_words(text):
    """The folded words of a text (what duplicate detection compares), as a tuple.

    The loader asks twice for each document (text hash, then MinHash), hence the tiny cache.
    """
    return tuple(TOKEN.findall(fold_text(text)))


@lru_cache(maxsize=8)
def _stemmer(language):
    name = STEMMER_LANGUAGES.get(language)
    return snowballstemmer.stemmer(name) if name else None


@lru_cache(maxsize=200_000)
def stem(folded, language):
    stemmer = _stemmer(language)
    return stemmer.stemWord(folded) if stemmer else folded


class Token:
    __slots__ = ("folded", "stem", "start", "end")

    def __init__(self, folded, stem_, start, end):
        self.folded, self.stem, self.start, self.end = folded, stem_, start, end

    def __repr__(self):
        return f"Token({self.folded!r}, {self.start}, {self.end})"


def tokenize(text, language):
    """Tokens of ``text``; offsets index the original string."""
    tokens = []
    for match in TOKEN.finditer(text):
        folded = fold(match.group())
        tokens.append(Token(folded, stem(folded, language), match.start(), match.end()))
    return tokens

"""Tokens with character offsets, folded (case and accents) and stemmed per language."""
from functools import lru_cache
import re
import unicodedata

import snowballstemmer

STEMMER_LANGUAGES = {"en": "english", "es": "spanish", "pt": "portuguese", "fr": "french",
                     "de": "german", "it": "italian"}
TOKEN = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=200_000)
def fold(word):
    """Lower case without accents: ``Intervención`` -> ``intervencion``."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


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

"""Near-duplicate detection for syndicated copies: MinHash over word shingles, with LSH bands.

A wire story republished by a second outlet with a changed headline line or a word
swapped shares almost all of its word 3-grams with the original.  MinHash estimates
that overlap (Jaccard similarity) from a 32-value signature; documents are compared
only when they share one of 8 bands of 4 values, so a load never compares every pair.
"""
from functools import lru_cache
import zlib

import numpy as np

from .analysis.text import fold_words

PERMUTATIONS = 32
BANDS = 8
ROWS = PERMUTATIONS // BANDS
THRESHOLD = 0.8  # estimated Jaccard similarity at or above which a copy is flagged
# Compare with at most this many of the latest documents sharing a band: boilerplate-heavy
# corpora make some bands very common, and a syndicated copy is loaded near its original.
BUCKET_LIMIT = 32
MIN_WORDS = 12  # shorter texts are too short to call near-identical

_rng = np.random.default_rng(20250220)
_A = _rng.integers(1, 2**61 - 1, size=PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, 2**61 - 1, size=PERMUTATIONS, dtype=np.uint64)
_K1, _K2 = (np.uint64(k) for k in _rng.integers(1, 2**61 - 1, size=2, dtype=np.uint64) | np.uint64(1))


def signature(text):
    """A MinHash signature (uint32 array) or None for texts too short to compare."""
    tokens = fold_words(text)
    if len(tokens) < MIN_WORDS:
        return None
    ids = np.fromiter(map(_token_hash, tokens), dtype=np.uint64, count=len(tokens))
    # A word 3-gram's hash combines its words' hashes (wrapping in 64 bits); repeats count once.
    shingles = np.unique(ids[:-2] * _K1 + ids[1:-1] * _K2 + ids[2:])
    # Multiply-shift hashing: one permutation per row, wrapping in 64 bits.
    permuted = (shingles[None, :] * _A[:, None] + _B[:, None]) >> np.uint64(32)
    return permuted.min(axis=1).astype(np.uint32)


@lru_cache(maxsize=200_000)
def _token_hash(token):
    return zlib.crc32(token.encode("utf-8"))


def bands(sig):
    return [(i, sig[i * ROWS:(i + 1) * ROWS].tobytes()) for i in range(BANDS)]


class NearDuplicateIndex:
    """In-memory LSH index over the signatures of one database's documents.

    Signatures live in one growing matrix, so the candidates of a band lookup are compared
    with a single array operation.
    """

    def __init__(self):
        self.ids = []
        self.rows = {}
        self.matrix = np.empty((1024, PERMUTATIONS), dtype=np.uint32)
        self.buckets = {}

    def add(self, doc_id, sig):
        if sig is None:
            return
        row = self.rows.get(doc_id)
        if row is None:
            row = len(self.ids)
            if row == len(self.matrix):
                self.matrix = np.concatenate([self.matrix, np.empty_like(self.matrix)])
            self.ids.append(doc_id)
            self.rows[doc_id] = row
        self.matrix[row] = sig
        for band in bands(sig):
            self.buckets.setdefault(band, []).append(row)

    def best_match(self, doc_id, sig):
        """(other_id, similarity) of the most similar indexed document, or None."""
        if sig is None:
            return None
        own = self.rows.get(doc_id)
        candidates = set()
        for band in bands(sig):
            candidates.update(self.buckets.get(band, ())[-BUCKET_LIMIT:])
        candidates.discard(own)
        if not candidates:
            return None
        rows = np.fromiter(candidates, dtype=np.int64, count=len(candidates))
        scores = np.count_nonzero(self.matrix[rows] == sig, axis=1)
        best = int(np.argmax(scores))
        score = scores[best] / PERMUTATIONS
        if score < THRESHOLD:
            return None
        # Ties go to the earliest loaded document, as a reader would expect of an original.
        tied = rows[scores == scores[best]]
        return self.ids[int(tied.min())], float(score)

"""Near-duplicate detection for syndicated copies: MinHash over word shingles, with LSH bands.

A wire story republished by a second outlet with a changed headline line or a word
swapped shares almost all of its word 3-grams with the original.  MinHash estimates
that overlap (Jaccard similarity) from a 32-value signature; documents are compared
only when they share one of 8 bands of 4 values, so a load never compares every pair.
"""
import zlib

import numpy as np

from .analysis.text import fold_words

SHINGLE = 3
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


def signature(text):
    """A MinHash signature (uint32 array) or None for texts too short to compare."""
    tokens = fold_words(text)
    if len(tokens) < MIN_WORDS:
        return None
    shingles = {" ".join(tokens[i:i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)}
    hashes = np.fromiter((zlib.crc32(s.encode("utf-8")) for s in shingles), dtype=np.uint64, count=len(shingles))
    # Multiply-shift hashing: one permutation per row, wrapping in 64 bits.
    permuted = (hashes[None, :] * _A[:, None] + _B[:, None]) >> np.uint64(32)
    return permuted.min(axis=1).astype(np.uint32)


def similarity(a, b):
    return float(np.count_nonzero(a == b)) / PERMUTATIONS


def bands(sig):
    return [(i, sig[i * ROWS:(i + 1) * ROWS].tobytes()) for i in range(BANDS)]


class NearDuplicateIndex:
    """In-memory LSH index over the signatures of one database's documents."""

    def __init__(self):
        self.signatures = {}
        self.buckets = {}

    def add(self, doc_id, sig):
        if sig is None:
            return
        self.signatures[doc_id] = sig
        for band in bands(sig):
            self.buckets.setdefault(band, []).append(doc_id)

    def best_match(self, doc_id, sig):
        """(other_id, similarity) of the most similar indexed document, or None."""
        if sig is None:
            return None
        seen, best = set(), None
        for band in bands(sig):
            for other in self.buckets.get(band, ())[-BUCKET_LIMIT:]:
                if other == doc_id or other in seen:
                    continue
                seen.add(other)
                score = similarity(sig, self.signatures[other])
                if score >= THRESHOLD and (best is None or score > best[1]):
                    best = (other, score)
        return best

"""Review aid: the shipped codebook's patterns with alternatives that never match a development
sentence (gold rounds 1-4), for a person to read.

    python data/gold/unmatched_patterns.py

'|' alternates single words in one place, so "garantias individuales|libertades civiles" means
garantias, then individuales|libertades, then civiles: it matches neither phrase.  Such a slip
makes a pattern that never fires, and nothing else reports it.  On 2026-11-25 reading this list
found five frame patterns so; an exclusion and three actor aliases had the same slip, and this
list does not cover those (read them). Most patterns on it are fine, just rare.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))
from datasette_framing.analysis.codebook import load_codebook  # noqa: E402
from datasette_framing.analysis.frames import match_sentence  # noqa: E402

DEVELOPMENT = ["gold.jsonl", "round2/gold.jsonl", "round3/gold.jsonl", "round4/gold.jsonl"]


def main():
    codebook = load_codebook()
    used = set()
    for name in DEVELOPMENT:
        with open(os.path.join(HERE, name), encoding="utf-8") as fp:
            for line in fp:
                row = json.loads(line)
                used.update(hit.pattern for hit in match_sentence(row["text"], row["language"], codebook).hits)
    patterns = set()
    for language, matcher in codebook.matchers.items():
        for pattern in matcher.patterns:
            kind, rule = pattern.payload
            if kind == "frame":
                patterns.add((rule.frame, language, pattern.source))
    listed = sorted((frame, language, source) for frame, language, source in patterns
                    if source not in used and len(source.split()) > 1 and "|" in source)
    for frame, language, source in listed:
        print(f"{frame}\t{language}\t{source}")
    print(f"{len(listed)} patterns with alternatives never matched a development sentence", file=sys.stderr)


if __name__ == "__main__":
    main()

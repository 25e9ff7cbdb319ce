"""Experiment (2026-11-25): would a classifier trained on the team's gold rounds find what the
pattern codebook misses on fresh text?  Not part of the package or the test suite; it needs
scikit-learn, which datasette-framing does not depend on:

    pip install scikit-learn && python data/gold/classifier_experiment.py [N]

N is the held-out round (default 6; 7 is the one whose errors are unread).  One logistic
regression per frame over TF-IDF of the engine's own folded, stemmed words (one and two words, the
language as a token).  Settings are chosen by 5-fold cross-validation on rounds 1 to N-1 only; the
chosen settings are then measured once on round N's held-out sentences.  "union" means a
sentence gets a frame when the model or the codebook's patterns give it.  Also printed, as
analysis and not used to choose anything: the same method trained on rounds 1 to N-2 and measured
on round N-1, the off-topic corpus of tests/fixtures (everyday news, half with a false friend), a
learning curve, and what a stricter threshold costs and saves.  Last, the chosen method trained
with the team's off-topic negatives (``offtopic/*.jsonl``, written for training, apart from the
test fixtures) as well, settings again chosen by cross-validation on the gold rounds alone.
"""
import glob
import itertools
import json
import os
import random
import sys

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, REPO)
from datasette_framing.analysis.codebook import load_codebook  # noqa: E402
from datasette_framing.analysis.frames import match_sentence  # noqa: E402
from datasette_framing.analysis.text import TOKEN, fold, stem  # noqa: E402

CODEBOOK = load_codebook()
SLUGS = list(CODEBOOK.slugs)


def read(path, half=None):
    with open(path, encoding="utf-8") as fp:
        rows = [json.loads(line) for line in fp if line.strip()]
    return [prepare(r) for r in rows if half is None or r.get("half") == half]


def prepare(row):
    words = [stem(fold(m.group()), row["language"]) for m in TOKEN.finditer(row["text"])]
    row["_tokens"] = " ".join([row["language"] + "_"] + words)
    row["_patterns"] = set(match_sentence(row["text"], row["language"], CODEBOOK).frames)
    row.setdefault("frames", [])
    return row


def labels(rows):
    return np.array([[f in r["frames"] for f in SLUGS] for r in rows], dtype=int)


def patterns(rows):
    return np.array([[f in r["_patterns"] for f in SLUGS] for r in rows], dtype=int)


def micro(y, p):
    tp, fp, fn = (y & p).sum(), ((1 - y) & p).sum(), (y & (1 - p)).sum()
    return float(2 * tp / max(1, 2 * tp + fp + fn))


def fit_predict(train, test, C, pattern_features, threshold, union):
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, token_pattern=r"\S+")
    x_train = vectorizer.fit_transform([r["_tokens"] for r in train])
    x_test = vectorizer.transform([r["_tokens"] for r in test])
    if pattern_features:
        x_train = hstack([x_train, csr_matrix(patterns(train).astype(float))]).tocsr()
        x_test = hstack([x_test, csr_matrix(patterns(test).astype(float))]).tocsr()
    y_train = labels(train)
    predicted = np.zeros((len(test), len(SLUGS)), dtype=int)
    for j in range(len(SLUGS)):
        if y_train[:, j].any():
            model = LogisticRegression(C=C, class_weight="balanced", max_iter=2000, solver="liblinear")
            model.fit(x_train, y_train[:, j])
            predicted[:, j] = model.predict_proba(x_test)[:, 1] >= threshold
    return predicted | patterns(test) if union else predicted


def cross_validated(train, config, extra=()):
    """Micro-F1 over 5 folds of ``train``; ``extra`` sentences join every fold's training part."""
    ys, ps = [], []
    for a, b in KFold(5, shuffle=True, random_state=0).split(train):
        fold_test = [train[i] for i in b]
        ps.append(fit_predict([train[i] for i in a] + list(extra), fold_test, **config))
        ys.append(labels(fold_test))
    return micro(np.vstack(ys), np.vstack(ps))


def main(test_round=6):
    rounds = [read(os.path.join(HERE, "gold.jsonl"))] + [read(os.path.join(HERE, f"round{n}", "gold.jsonl"))
                                                         for n in range(2, test_round)]
    train = sum(rounds, [])
    test = read(os.path.join(HERE, f"round{test_round}", "gold.jsonl"), half="heldout")
    last, before = test_round - 1, f"rounds 1-{test_round - 2}"
    grid = {"C": [1, 4, 16], "pattern_features": [False, True], "threshold": [0.5, 0.65], "union": [False, True]}
    results = []
    for values in itertools.product(*grid.values()):
        config = dict(zip(grid, values))
        results.append((cross_validated(train, config), config))
        print(f"cross-validated on rounds 1-{last}: {results[-1][0]:.3f} {config}", flush=True)
    y = labels(test)
    print(f"\nround {test_round} ({len(test)} held-out sentences), patterns alone: {micro(y, patterns(test)):.3f}")
    for family in (False, True):
        score, config = max((r for r in results if r[1]["pattern_features"] == family), key=lambda r: r[0])
        p = fit_predict(train, test, **config)
        by_language = {lang: round(micro(y[[r["language"] == lang for r in test]], p[[r["language"] == lang for r in test]]), 3)
                       for lang in ("en", "es")}
        per_frame = {f: round(micro(y[:, [j]], p[:, [j]]), 3) for j, f in enumerate(SLUGS)}
        print(f"round {test_round}, best by cross-validation with pattern_features={family} ({score:.3f}, {config}): "
              f"{micro(y, p):.3f} {by_language}\n  {per_frame}")
    chosen = max(results, key=lambda r: r[0])[1]
    print(f"\nchosen by cross-validation: {chosen}")
    previous, earlier = rounds[-1], sum(rounds[:-1], [])
    print(f"round {last}, trained on {before}: {micro(labels(previous), fit_predict(earlier, previous, **chosen)):.3f} "
          f"(patterns alone {micro(labels(previous), patterns(previous)):.3f})")
    off = sum((read(os.path.join(REPO, "tests", "fixtures", f"{name}.jsonl")) for name in ("offtopic_en", "offtopic_es")), [])
    for threshold in (chosen["threshold"], 0.8, 0.9):
        config = dict(chosen, threshold=threshold)
        framed = int((fit_predict(train, off, **config).sum(1) > 0).sum())
        print(f"threshold {threshold}: round {test_round} {micro(y, fit_predict(train, test, **config)):.3f}; "
              f"off-topic sentences given a frame: {framed} of {len(off)} (patterns alone: {int((patterns(off).sum(1) > 0).sum())})")
    for share in (0.25, 0.5, 0.75):
        scores = [micro(y, fit_predict(random.Random(seed).sample(train, int(len(train) * share)), test, **chosen))
                  for seed in range(3)]
        print(f"learning curve: {int(len(train) * share)} training sentences -> round {test_round} {np.mean(scores):.3f} (mean of 3 samples)")
    negatives = sum((read(path) for path in sorted(glob.glob(os.path.join(HERE, "offtopic", "*.jsonl")))), [])
    if not negatives:
        return
    grid = {"C": [4, 16], "pattern_features": [False], "threshold": [0.5, 0.65, 0.8], "union": [True]}
    scored = []
    for values in itertools.product(*grid.values()):
        config = dict(zip(grid, values))
        scored.append((cross_validated(train, config, negatives), config))
        print(f"with {len(negatives)} off-topic negatives, cross-validated on rounds 1-{last}: {scored[-1][0]:.3f} {config}")
    score, config = max(scored, key=lambda r: r[0])
    p = fit_predict(train + negatives, test, **config)
    by_language = {lang: round(micro(y[[r["language"] == lang for r in test]], p[[r["language"] == lang for r in test]]), 3)
                   for lang in ("en", "es")}
    per_frame = {f: round(micro(y[:, [j]], p[:, [j]]), 3) for j, f in enumerate(SLUGS)}
    framed = int((fit_predict(train + negatives, off, **config).sum(1) > 0).sum())
    print(f"round {test_round} with the negatives, chosen {config}: {micro(y, p):.3f} {by_language}\n  {per_frame}\n"
          f"  off-topic test sentences given a frame: {framed} of {len(off)}")
    print(f"round {last} with the negatives, trained on {before}: "
          f"{micro(labels(previous), fit_predict(earlier + negatives, previous, **config)):.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 6)

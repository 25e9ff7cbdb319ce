"""Score the engine against a hand-coded gold set.

Gold: JSON Lines with ``text``, ``language`` and ``frames`` (list of slugs) per
sentence.  Per frame: precision, recall, F1, support; micro and macro F1; each
overall and per language.
"""
from dataclasses import dataclass, field
import json

from .analysis.frames import match_sentence


class GoldError(ValueError):
    pass


def read_gold(path, slugs, subset=None):
    """The gold records of ``path``; ``subset`` ("field=value") keeps those whose field has that value."""
    field = value = None
    if subset is not None:
        field, sep, value = subset.partition("=")
        if not sep or not field:
            raise GoldError(f"--subset {subset!r}: expected FIELD=VALUE, e.g. half=heldout")
    items = []
    with open(path, encoding="utf-8") as fp:
        for number, line in enumerate(fp, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                raise GoldError(f"{path}, line {number}: invalid JSON: {e.msg}") from None
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str) or not isinstance(obj.get("frames"), list):
                raise GoldError(f"{path}, line {number}: expected an object with 'text' and a 'frames' list")
            unknown = set(obj["frames"]) - set(slugs)
            if unknown:
                raise GoldError(f"{path}, line {number}: unknown frame(s) {sorted(unknown)}")
            if field is None or str(obj.get(field)) == value:
                items.append(obj)
    if not items:
        raise GoldError(f"{path}: no gold sentences" + (f" with {field} = {value!r}" if field else ""))
    return items


def _prf(tp, fp, fn):
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


@dataclass
class Scores:
    sentences: int = 0
    counts: dict = field(default_factory=dict)  # frame -> [tp, fp, fn]

    def add(self, gold, predicted, slugs):
        self.sentences += 1
        for slug in slugs:
            c = self.counts.setdefault(slug, [0, 0, 0])
            if slug in gold and slug in predicted:
                c[0] += 1
            elif slug in predicted:
                c[1] += 1
            elif slug in gold:
                c[2] += 1

    def per_frame(self):
        out = {}
        for slug, (tp, fp, fn) in self.counts.items():
            p, r, f = _prf(tp, fp, fn)
            out[slug] = {"precision": p, "recall": r, "f1": f, "support": tp + fn, "tp": tp, "fp": fp, "fn": fn}
        return out

    def micro_f1(self):
        tp = sum(c[0] for c in self.counts.values())
        fp = sum(c[1] for c in self.counts.values())
        fn = sum(c[2] for c in self.counts.values())
        return _prf(tp, fp, fn)[2]

    def macro_f1(self):
        frames = [v for v in self.per_frame().values() if v["support"] or v["fp"]]
        return sum(v["f1"] for v in frames) / len(frames) if frames else 0.0


def evaluate(items, codebook):
    slugs = codebook.slugs
    overall, by_language, errors = Scores(), {}, []
    for item in items:
        language = item.get("language") or "en"
        predicted = set(match_sentence(item["text"], language, codebook).frames)
        gold = set(item["frames"])
        overall.add(gold, predicted, slugs)
        by_language.setdefault(language, Scores()).add(gold, predicted, slugs)
        if predicted != gold:
            errors.append({"id": item.get("id"), "language": language, "text": item["text"],
                           "missed": sorted(gold - predicted), "extra": sorted(predicted - gold)})
    return overall, by_language, errors


def report_lines(overall, by_language):
    lines = []
    for name, scores in [("all", overall)] + sorted(by_language.items()):
        lines.append(f"== {name}: {scores.sentences} sentences, micro-F1 {scores.micro_f1():.3f}, "
                     f"macro-F1 {scores.macro_f1():.3f}")
        lines.append(f"{'frame':<24}{'precision':>10}{'recall':>8}{'F1':>7}{'support':>9}")
        for slug, v in sorted(scores.per_frame().items()):
            lines.append(f"{slug:<24}{v['precision']:>10.3f}{v['recall']:>8.3f}{v['f1']:>7.3f}{v['support']:>9}")
    return lines


TONE_CLASSES = ("negative", "neutral", "positive")
NEUTRAL_BAND = 0.1  # |polarity| below this counts as neutral


def tone_class(polarity):
    if polarity is None:
        return None
    if polarity <= -NEUTRAL_BAND:
        return "negative"
    if polarity >= NEUTRAL_BAND:
        return "positive"
    return "neutral"


def cohen_kappa(pairs, classes=TONE_CLASSES):
    """Cohen's kappa for (a, b) label pairs."""
    n = len(pairs)
    if not n:
        return None
    observed = sum(a == b for a, b in pairs) / n
    expected = sum((sum(a == c for a, _ in pairs) / n) * (sum(b == c for _, b in pairs) / n) for c in classes)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def evaluate_tone(items):
    """Agreement of the tone model with hand-coded tone (negative/neutral/positive), per language."""
    from .analysis.tone import tone

    by_language = {}
    for item in items:
        gold = item.get("tone")
        if gold not in TONE_CLASSES:
            continue
        language = item.get("language") or "en"
        predicted = tone_class(tone(item["text"], language)[0])
        if predicted is None:
            continue
        by_language.setdefault(language, []).append((gold, predicted))
    out = {}
    for language, pairs in sorted(by_language.items()):
        out[language] = {
            "sentences": len(pairs),
            "agreement": sum(a == b for a, b in pairs) / len(pairs),
            "kappa": cohen_kappa(pairs),
            "majority_baseline": max(sum(a == c for a, _ in pairs) for c in TONE_CLASSES) / len(pairs),
        }
    return out

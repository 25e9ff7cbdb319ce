"""Merge two independent codings of the gold pools into the gold set.

    python data/gold/merge_coders.py agreement             # agreement figures + disagreements_*.jsonl
    python data/gold/merge_coders.py gold                  # gold.jsonl (each sentence's half: dev / heldout)
    python data/gold/merge_coders.py agreement round2      # the same for a later round, in its directory
    python data/gold/merge_coders.py gold round2           # round2/gold.jsonl: every sentence held out

A round's directory holds its pools (pool_*.jsonl), the two coders' files (coder_a_*.jsonl,
coder_b_*.jsonl; a coder's work may be split across several files) and the third reader's
decisions (adjudication_*.jsonl).  Where the two coders agree on a sentence's frames (and tone)
their code stands; every disagreement is decided by the third reader (id, frames, tone, note),
following CODEBOOK.md.  Nothing here looks at the detector.
"""
import glob
import json
import os
import sys

GOLD = os.path.dirname(os.path.abspath(__file__))
HERE = GOLD
SLUGS = ["sovereignty", "terrorist_designation", "military_action", "security_threat", "cooperation",
         "law_enforcement", "drugs", "arms_trafficking", "economy_trade", "migration_border",
         "corruption", "human_rights"]


def read(pattern):
    rows = []
    for path in sorted(glob.glob(os.path.join(HERE, pattern))):
        with open(path, encoding="utf-8") as fp:
            for number, line in enumerate(fp, 1):
                if line.strip():
                    try:
                        rows.append(json.loads(line))
                    except ValueError as error:
                        sys.exit(f"{path}:{number}: not JSON ({error})")
    return rows


def pools():
    return {r["id"]: r for r in read("pool_*.jsonl")}


def codings(coder):
    return {r["id"]: r for r in read(f"coder_{coder}_*.jsonl")}


def kappa(pairs):
    n = len(pairs)
    if not n:
        return None
    po = sum(a == b for a, b in pairs) / n
    labels = {x for pair in pairs for x in pair}
    pe = sum((sum(a == l for a, _ in pairs) / n) * (sum(b == l for _, b in pairs) / n) for l in labels)
    return 1.0 if pe == 1 else (po - pe) / (1 - pe)


def agreement():
    pool, a, b = pools(), codings("a"), codings("b")
    ids = [i for i in pool if i in a and i in b]
    report = {"sentences": len(ids), "by_language": {}, "frames": {}}
    for lang in sorted({pool[i]["language"] for i in ids}):
        subset = [i for i in ids if pool[i]["language"] == lang]
        report["by_language"][lang] = {
            "sentences": len(subset),
            "identical_frames": sum(set(a[i]["frames"]) == set(b[i]["frames"]) for i in subset) / len(subset),
            "tone_agreement": sum(a[i]["tone"] == b[i]["tone"] for i in subset) / len(subset),
            "tone_kappa": kappa([(a[i]["tone"], b[i]["tone"]) for i in subset]),
        }
    for slug in SLUGS:
        pairs = [(slug in a[i]["frames"], slug in b[i]["frames"]) for i in ids]
        report["frames"][slug] = {"kappa": kappa(pairs), "coder_a": sum(x for x, _ in pairs),
                                  "coder_b": sum(y for _, y in pairs), "both": sum(x and y for x, y in pairs)}
    report["identical_frames"] = sum(set(a[i]["frames"]) == set(b[i]["frames"]) for i in ids) / len(ids)
    with open(os.path.join(HERE, "agreement.json"), "w", encoding="utf-8") as fp:
        json.dump(report, fp, indent=2)
    for lang in report["by_language"]:
        with open(os.path.join(HERE, f"disagreements_{lang}.jsonl"), "w", encoding="utf-8") as fp:
            for i in ids:
                if pool[i]["language"] != lang:
                    continue
                if set(a[i]["frames"]) == set(b[i]["frames"]) and a[i]["tone"] == b[i]["tone"]:
                    continue
                fp.write(json.dumps({"id": i, "language": pool[i]["language"], "text": pool[i]["text"],
                                     "coder_a": {"frames": sorted(a[i]["frames"]), "tone": a[i]["tone"]},
                                     "coder_b": {"frames": sorted(b[i]["frames"]), "tone": b[i]["tone"]}},
                                    ensure_ascii=False) + "\n")
    print(json.dumps(report, indent=2))


def earlier_texts():
    """Sentences of the rounds before this one (round 1 is data/gold/gold.jsonl)."""
    if HERE == GOLD:
        return set()
    number = int(os.path.basename(HERE).replace("round", ""))
    paths = [os.path.join(GOLD, "gold.jsonl")] + [os.path.join(GOLD, f"round{n}", "gold.jsonl") for n in range(2, number)]
    texts = set()
    for path in paths:
        with open(path, encoding="utf-8") as fp:
            texts.update(json.loads(line)["text"] for line in fp if line.strip())
    return texts


def gold():
    pool, a, b = pools(), codings("a"), codings("b")
    seen = earlier_texts()
    decided = {r["id"]: r for r in read("adjudication_*.jsonl")}
    out, missing = [], []
    for i, item in pool.items():
        if i not in a or i not in b:
            missing.append(i)
            continue
        if i in decided:
            frames, tone, source = decided[i]["frames"], decided[i]["tone"], "adjudicated"
        elif set(a[i]["frames"]) == set(b[i]["frames"]) and a[i]["tone"] == b[i]["tone"]:
            frames, tone, source = a[i]["frames"], a[i]["tone"], "agreed"
        else:
            missing.append(i)
            continue
        assert set(frames) <= set(SLUGS), (i, frames)
        if HERE == GOLD:
            # Round 1: the development half (odd ids: errors may be read to improve the codebook)
            # and the held-out half (even ids).  Since round 2 exists, all of round 1 is development.
            half = "dev" if int(i.rsplit("-", 1)[1]) % 2 else "heldout"
        elif item["text"] in seen and len(item["text"].split()) > 6:
            # Two writers can write the same sentence from the same timeline fact; one an earlier
            # round had is not unseen text (page furniture of up to six words may recur)
            half = "repeat"
        else:
            half = "heldout"    # a later round is written after the codebook it measures: all held out
        out.append({"id": i, "language": item["language"], "text": item["text"], "frames": sorted(frames),
                    "tone": tone, "source": source, "half": half})
    if missing:
        sys.exit(f"not coded or not adjudicated yet: {len(missing)} sentences, e.g. {missing[:5]}")
    with open(os.path.join(HERE, "gold.jsonl"), "w", encoding="utf-8") as fp:
        for row in out:
            fp.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(out)} gold sentences written")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3) or sys.argv[1] not in ("agreement", "gold"):
        sys.exit(__doc__)
    if len(sys.argv) == 3:
        HERE = os.path.join(GOLD, sys.argv[2])
        if not os.path.isdir(HERE):
            sys.exit(f"no such round directory: {HERE}")
    {"agreement": agreement, "gold": gold}[sys.argv[1]]()

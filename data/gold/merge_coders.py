"""Merge two independent codings of the gold pools into the gold set.

    python data/gold/merge_coders.py agreement     # agreement figures + disagreements.jsonl
    python data/gold/merge_coders.py gold          # gold.jsonl (with each sentence's half: dev / heldout)

Where the two coders agree on a sentence's frames (and tone) their code stands; every
disagreement is decided by a third reader (adjudication_en.jsonl / adjudication_es.jsonl: id,
frames, tone, note), following CODEBOOK.md.  Nothing here looks at the detector.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SLUGS = ["sovereignty", "terrorist_designation", "military_action", "security_threat", "cooperation",
         "law_enforcement", "drugs", "arms_trafficking", "economy_trade", "migration_border",
         "corruption", "human_rights"]


def read(name):
    path = os.path.join(HERE, name)
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as fp:
        return [json.loads(line) for line in fp if line.strip()]


def pools():
    return {r["id"]: r for r in read("pool_en.jsonl") + read("pool_es.jsonl")}


def codings(coder):
    return {r["id"]: r for r in read(f"coder_{coder}_en.jsonl") + read(f"coder_{coder}_es.jsonl")}


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


def gold():
    pool, a, b = pools(), codings("a"), codings("b")
    decided = {r["id"]: r for r in read("adjudication_en.jsonl") + read("adjudication_es.jsonl")}
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
        # The development half (odd ids: errors may be read to improve the codebook) and the
        # held-out half (even ids: never read; the reported accuracy).
        half = "dev" if int(i.rsplit("-", 1)[1]) % 2 else "heldout"
        out.append({"id": i, "language": item["language"], "text": item["text"], "frames": sorted(frames),
                    "tone": tone, "source": source, "half": half})
    if missing:
        sys.exit(f"not coded or not adjudicated yet: {len(missing)} sentences, e.g. {missing[:5]}")
    with open(os.path.join(HERE, "gold.jsonl"), "w", encoding="utf-8") as fp:
        for row in out:
            fp.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(out)} gold sentences written")


if __name__ == "__main__":
    {"agreement": agreement, "gold": gold}[sys.argv[1]]()

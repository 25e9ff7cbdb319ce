"""Every number the comparison pages show that is more than a count, computed here.

- ``wilson(k, n)``: 95% Wilson score interval for a proportion.
- ``two_proportions(k1, n1, k2, n2)``: difference, pooled two-proportion z-test, p-value.
- ``log_odds(counts_a, counts_b, prior)``: Monroe, Colaresi & Quinn (2008) weighted
  log-odds ratio with an informative Dirichlet prior, and its z-score.
"""
import math

Z95 = 1.959963984540054
MIN_N = 30  # below this many units a share is shown with a warning: too few to say much


def wilson(k, n, z=Z95):
    """(low, high) of the Wilson score interval for k successes in n trials; (None, None) when n == 0."""
    if n == 0:
        return None, None
    if not 0 <= k <= n:
        raise ValueError(f"a share needs 0 <= k <= n; got k={k}, n={n}")
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def normal_sf(z):
    """P(Z > z) for a standard normal."""
    return 0.5 * math.erfc(z / math.sqrt(2))


def two_proportions(k1, n1, k2, n2):
    """Difference p1 - p2 with a pooled two-proportion z-test (two-sided p-value).

    Returns dict(diff, z, p) ; z and p are None when either side has no units or the
    pooled proportion is 0 or 1 (no variance to test against).
    """
    if n1 == 0 or n2 == 0:
        return {"diff": None, "z": None, "p": None}
    p1, p2 = k1 / n1, k2 / n2
    pooled = (k1 + k2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance == 0:
        return {"diff": p1 - p2, "z": None, "p": None}
    z = (p1 - p2) / math.sqrt(variance)
    return {"diff": p1 - p2, "z": z, "p": 2 * normal_sf(abs(z))}


def log_odds(counts_a, counts_b, prior=None, prior_scale=None):
    """Weighted log-odds ratios (a vs b) with an informative Dirichlet prior.

    ``counts_a``/``counts_b``: dict term -> count for each side.  ``prior``: dict
    term -> pseudo-count (default: the pooled counts, scaled so the prior totals
    ``prior_scale``, by default the mean of the two sides' totals — Monroe et al.'s
    informative prior from the whole corpus).  Returns dict term -> (delta, z);
    positive z means the term is distinctive of side a.
    """
    vocabulary = set(counts_a) | set(counts_b)
    if prior is None:
        pooled = {w: counts_a.get(w, 0) + counts_b.get(w, 0) for w in vocabulary}
        total_pooled = sum(pooled.values()) or 1
        scale = prior_scale if prior_scale is not None else (sum(counts_a.values()) + sum(counts_b.values())) / 2
        prior = {w: c * scale / total_pooled for w, c in pooled.items()}
    n_a, n_b = sum(counts_a.values()), sum(counts_b.values())
    a0 = sum(prior.values())
    out = {}
    for w in vocabulary:
        aw = prior.get(w, 0.0)
        if aw <= 0:
            continue
        ya, yb = counts_a.get(w, 0), counts_b.get(w, 0)
        la = math.log((ya + aw) / (n_a + a0 - ya - aw))
        lb = math.log((yb + aw) / (n_b + a0 - yb - aw))
        delta = la - lb
        variance = 1 / (ya + aw) + 1 / (yb + aw)
        out[w] = (delta, delta / math.sqrt(variance))
    return out

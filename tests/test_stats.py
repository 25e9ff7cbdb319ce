"""Statistics checked against values worked out by hand (and with R's prop.test, correct=FALSE)."""
import math

import pytest

from datasette_framing.stats import wilson, two_proportions, log_odds


def test_wilson_hand_checked():
    # k=8, n=20, z=1.96: centre = (0.4 + 0.09604)/1.19208 = 0.41612;
    # half = 1.96*sqrt(0.012 + 0.0024010)/1.19208 = 0.19730  -> (0.2188, 0.6134)
    low, high = wilson(8, 20)
    assert low == pytest.approx(0.2188, abs=1e-4)
    assert high == pytest.approx(0.6134, abs=1e-4)


def test_wilson_edges():
    assert wilson(0, 0) == (None, None)
    low, high = wilson(0, 10)
    assert low == 0.0 and high == pytest.approx(0.2775, abs=1e-4)
    low, high = wilson(10, 10)
    assert high == pytest.approx(1.0) and low == pytest.approx(0.7225, abs=1e-4)


def test_wilson_names_an_impossible_share():
    # k > n used to end in "math domain error" from a square root of a negative number
    with pytest.raises(ValueError, match="k=6, n=4"):
        wilson(6, 4)
    with pytest.raises(ValueError, match="k=-1"):
        wilson(-1, 4)


def test_two_proportions_hand_checked():
    # 30/100 vs 15/100: pooled 0.225, se = sqrt(0.225*0.775*0.02) = 0.059054; z = 2.5401; p = 0.01108
    result = two_proportions(30, 100, 15, 100)
    assert result["diff"] == pytest.approx(0.15)
    assert result["z"] == pytest.approx(2.5401, abs=1e-4)
    assert result["p"] == pytest.approx(0.01108, abs=1e-4)


def test_two_proportions_degenerate():
    assert two_proportions(0, 0, 1, 2)["z"] is None
    assert two_proportions(0, 10, 0, 10) == {"diff": 0.0, "z": None, "p": None}


def test_log_odds_hand_checked():
    # Two words, explicit prior of 1 each (a0 = 2).
    a = {"soberania": 10, "cooperacion": 10}
    b = {"soberania": 2, "cooperacion": 18}
    scores = log_odds(a, b, prior={"soberania": 1.0, "cooperacion": 1.0})
    # soberania: la = log(11/(20+2-11)) = log(1) = 0 ; lb = log(3/(20+2-3)) = log(3/19)
    delta, z = scores["soberania"]
    assert delta == pytest.approx(-math.log(3 / 19))
    assert z == pytest.approx(delta / math.sqrt(1 / 11 + 1 / 3))
    assert z > 0 and scores["cooperacion"][1] < 0


def test_log_odds_symmetry_and_default_prior():
    a = {"x": 5, "y": 1, "z": 4}
    b = {"x": 1, "y": 5, "z": 4}
    ab, ba = log_odds(a, b), log_odds(b, a)
    for w in a:
        assert ab[w][1] == pytest.approx(-ba[w][1])
    assert ab["z"][1] == pytest.approx(0.0)
    assert ab["x"][1] > 0 > ab["y"][1]

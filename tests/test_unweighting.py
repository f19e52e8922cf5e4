"""Unweighting preserves the total and the distributions of weighted events."""

import numpy as np
import pandas as pd
import pytest

import nuportal
from nuportal.generation import unweight


def test_unweighted_events_reproduce_the_weighted_distribution():
    # weighted sample of x ~ uniform with weight 2x: the unweighted x must follow p(x) = 2x
    rng = np.random.default_rng(4)
    n = 200_000
    x = rng.uniform(0, 1, n)
    events = pd.DataFrame({"x": x, "weight": 2 * x / n})
    out = unweight(events, rng=1)
    # efficiency = <w>/w_max = 1/2, binomial error sqrt(0.25/n)
    assert out.attrs["unweighting"]["efficiency"] == pytest.approx(0.5, abs=4 * np.sqrt(0.25 / n))
    assert out["weight"].sum() == pytest.approx(events["weight"].sum(), rel=1e-12)  # total kept
    assert np.ptp(out["weight"]) == 0
    # mean of p(x) = 2x is 2/3 with variance 1/18
    assert out["x"].mean() == pytest.approx(2 / 3, abs=4 * np.sqrt(1 / 18 / len(out)))


def test_unweighting_generated_events_keeps_the_selected_fraction():
    events = nuportal.generate(model="hnl", mass=0.2, n_events=40_000, seed=3)
    out = unweight(events, rng=2)
    w = events["weight"].to_numpy()
    f_weighted = np.sum(w * events["selected"]) / w.sum()
    f_unweighted = out["selected"].mean()
    sigma = np.sqrt(f_weighted * (1 - f_weighted) / len(out))
    assert f_unweighted == pytest.approx(f_weighted, abs=4 * sigma + 1e-12)
    assert out.attrs["metadata"] == events.attrs["metadata"]
    again = unweight(events, rng=2)
    assert again.equals(out)


def test_unweighting_rejects_bad_weights():
    with pytest.raises(ValueError, match="finite and >= 0"):
        unweight(pd.DataFrame({"weight": [1.0, -1.0]}), rng=0)
    with pytest.raises(ValueError, match="no weight column"):
        unweight(pd.DataFrame({"w": [1.0]}), rng=0)

"""Feldman-Cousins critical values: Wilks' limit for a linear Gaussian model, and the fits."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from nuportal.stats.feldman_cousins import (
    GaussianGridModel,
    critical_value,
    feldman_cousins,
    grid_model,
)


def _linear_model(truth=(0.3, -0.2)):
    # mean = A theta with unit covariance: Delta chi^2 follows chi^2 with 2 dof exactly (Wilks)
    a = np.array([[1.0, 0.2], [0.1, 1.5], [0.7, -0.4], [0.0, 0.9]])
    g = np.linspace(-3.0, 3.0, 61)
    t1, t2 = (x.ravel() for x in np.meshgrid(g, g, indexing="ij"))
    theta = np.column_stack([t1, t2])
    k = a.shape[0]
    eye = np.repeat(np.eye(k)[None], theta.shape[0], axis=0)
    index = int(np.argmin(np.sum((theta - np.array(truth)) ** 2, axis=1)))
    model = GaussianGridModel(
        sin2_2theta=t1, dm2_eV2=t2, mean=theta @ a.T, inverse_covariance=eye, covariance=eye,
        logdet=np.zeros(theta.shape[0]), data=(theta @ a.T)[index],
    )  # fmt: skip
    return model, index


def test_linear_gaussian_model_gives_wilks_critical_values():
    model, index = _linear_model()
    n = 3000
    for cl, wilks in ((0.9, 4.605), (0.6827, 2.296)):
        crit, data = critical_value(model, index, n_toys=n, confidence=cl, rng=11)
        # quantile MC error sqrt(p(1-p)/n)/f(q), f the chi^2_2 density 0.5 exp(-q/2); 4 sigma
        sd = np.sqrt(cl * (1 - cl) / n) / (0.5 * np.exp(-wilks / 2))
        assert crit == pytest.approx(wilks, abs=4 * sd + 0.05)  # + grid discretization
        assert data == 0.0  # the data sit on the true point


def test_feldman_cousins_is_reproducible_and_executor_independent():
    s, d = np.geomspace(1e-3, 1, 6), np.geomspace(0.1, 10, 5)
    serial = feldman_cousins("lsnd", s, d, n_toys=200, seed=3, points=[0, 7, 29])
    with ThreadPoolExecutor(2) as ex:
        pooled = feldman_cousins("lsnd", s, d, n_toys=200, seed=3, points=[29, 0, 7], executor=ex)
    pooled = pooled.set_index(["dm2_eV2", "sin2_2theta"]).loc[
        serial.set_index(["dm2_eV2", "sin2_2theta"]).index
    ]
    np.testing.assert_array_equal(
        serial["delta_critical"].to_numpy(), pooled["delta_critical"].to_numpy()
    )
    # Delta >= 0 by construction (the true point is on the grid); 0 where every toy fits best there
    assert (serial["delta_critical"] >= 0).all() and np.isfinite(serial["delta_critical"]).all()


def test_grid_models_reproduce_the_fit_statistics():
    # the Gaussian models are the fits' own statistics (independent code paths)
    from nuportal.stats import lsnd_fit, miniboone_fit

    s, d = np.array([0.003, 0.5]), np.array([0.04, 1.2])
    for exp, direct in (
        ("lsnd", lambda ss, dd: lsnd_fit.chi2_lsnd(ss, dd)),
        ("miniboone", lambda ss, dd: miniboone_fit.minus2lnl("combined", ss, dd)),
    ):
        model = grid_model(exp, s, d)
        t = model.statistic(model.data[None])[0]
        np.testing.assert_allclose(t, direct(model.sin2_2theta, model.dm2_eV2), rtol=1e-9)


def test_bad_input():
    with pytest.raises(ValueError, match="unknown experiment"):
        feldman_cousins("karmen", [0.1], [1.0])
    with pytest.raises(ValueError, match="points"):
        feldman_cousins("lsnd", [0.1], [1.0], points=[5])
    model, index = _linear_model()
    with pytest.raises(ValueError, match="confidence"):
        critical_value(model, index, confidence=1.5)

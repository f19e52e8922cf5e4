"""GRV94 leading-order parton distributions of the proton, analytic parametrization.

M. Glueck, E. Reya, A. Vogt, "Dynamical parton distributions of the proton and small-x
physics", Z. Phys. C 67 (1995) 433, appendix (LO set, "GRV94 LO"): every distribution is a closed
form in x and s = ln[ln(Q^2/Lambda^2) / ln(mu^2/Lambda^2)] with mu^2 = 0.23 GeV^2 and
Lambda_LO = 0.2322 GeV (4 flavours), fitted to the evolved distributions for
0.4 <= Q^2 <= 1e6 GeV^2 and 1e-5 <= x < 1. The coefficients below are those of the paper's
appendix. No LHAPDF grid can be installed here, and no PyPI package ships an LO set, so this
analytic set is used (it is also the set of the original Bodek-Yang effective model,
hep-ex/0203009). Below ``Q2_MIN`` the distributions are frozen at Q2_MIN.

All functions return x times the distribution (momentum densities), dimensionless.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["Q2_MIN", "grv94lo"]

#: Lowest Q^2 [GeV^2] at which the parametrization is evaluated (frozen below).
Q2_MIN: float = 0.4
_MU2 = 0.23
_LAM2 = 0.2322**2


def _valence(x, n, ak, bk, a, b, c, d):
    # N x^a (1 + A x^b + x (B + C sqrt x)) (1 - x)^D  (GRV94 eq. for valence and Delta)
    return n * x**ak * (1.0 + a * x**bk + x * (b + c * np.sqrt(x))) * (1.0 - x) ** d


def _sea_gluon(x, s, al, be, ak, bk, a, b, c, d, e, es):
    # [x^a (A + B x + C x^2) ln(1/x)^b + s^alpha exp(-E + sqrt(E' s^beta ln(1/x)))] (1 - x)^D
    lx = np.log(1.0 / x)
    return (x**ak * (a + x * (b + x * c)) * lx**bk
            + s**al * np.exp(-e + np.sqrt(es * s**be * lx))) * (1.0 - x) ** d


def _strange(x, s, sth, al, be, ak, ag, b, d, e, es):
    # (s - s_th)^alpha / ln(1/x)^a (1 + A sqrt x + B x) (1 - x)^D exp(-E + sqrt(E' s^beta ln 1/x))
    lx = np.log(1.0 / x)
    ds = np.clip(s - sth, 0.0, None)
    val = ds**al / lx**ak * (1.0 + ag * np.sqrt(x) + b * x) * (1.0 - x) ** d * np.exp(
        -e + np.sqrt(es * s**be * lx)
    )
    return np.where(s > sth, val, 0.0)


def grv94lo(x: ArrayLike, Q2: ArrayLike) -> dict[str, NDArray[np.float64]]:
    """GRV94 LO momentum densities x f(x, Q^2) of the proton.

    Parameters
    ----------
    x : array_like
        Parton momentum fraction, 0 < x < 1 (values outside give 0).
    Q2 : array_like
        Scale [GeV^2]; frozen at :data:`Q2_MIN` below it.

    Returns
    -------
    dict of ndarray
        ``uv``, ``dv`` (valence), ``ubar``, ``dbar``, ``s`` (= sbar), ``c`` (= cbar), ``g``.
    """
    x_in = np.asarray(x, float)
    ok = (x_in > 0.0) & (x_in < 1.0)
    x = np.where(ok, x_in, 0.5)
    q2 = np.maximum(np.asarray(Q2, float), Q2_MIN)
    s = np.log(np.log(q2 / _LAM2) / np.log(_MU2 / _LAM2))
    ds = np.sqrt(s)
    s2 = s * s
    s3 = s2 * s
    uv = _valence(x, 2.284 + 0.802 * s + 0.055 * s2, 0.590 - 0.024 * s, 0.131 + 0.063 * s,
                  -0.449 - 0.138 * s - 0.076 * s2, 0.213 + 2.669 * s - 0.728 * s2,
                  8.854 - 9.135 * s + 1.979 * s2, 2.997 + 0.753 * s - 0.076 * s2)
    dv = _valence(x, 0.371 + 0.083 * s + 0.039 * s2, 0.376, 0.486 + 0.062 * s,
                  -0.509 + 3.310 * s - 1.248 * s2, 12.41 - 10.52 * s + 2.267 * s2,
                  6.373 - 6.208 * s + 1.418 * s2, 3.691 + 0.799 * s - 0.071 * s2)
    delta = _valence(x, 0.082 + 0.014 * s + 0.008 * s2, 0.409 - 0.005 * s, 0.799 + 0.071 * s,
                     -38.07 + 36.13 * s - 0.656 * s2, 90.31 - 74.15 * s + 7.645 * s2, 0.0,
                     7.486 + 1.217 * s - 0.159 * s2)
    udb = _sea_gluon(x, s, 1.451, 0.271, 0.410 - 0.232 * s, 0.534 - 0.457 * s,
                     0.890 - 0.140 * s, -0.981, 0.320 + 0.683 * s,
                     4.752 + 1.164 * s + 0.286 * s2, 4.119 + 1.713 * s, 0.682 + 2.978 * s)
    sb = _strange(x, s, 0.0, 0.914, 0.577, 1.798 - 0.596 * s, -5.548 + 3.669 * ds - 0.616 * s,
                  18.92 - 16.73 * ds + 5.168 * s, 6.379 - 0.350 * s + 0.142 * s2,
                  3.981 + 1.638 * s, 6.402)
    cb = _strange(x, s, 0.888, 1.01, 0.37, 0.0, 0.0, 4.24 - 0.804 * s, 3.46 - 1.076 * s,
                  4.61 + 1.49 * s, 2.555 + 1.961 * s)
    gl = _sea_gluon(x, s, 0.524, 1.088, 1.742 - 0.930 * s, -0.399 * s2, 7.486 - 2.185 * s,
                    16.69 - 22.74 * s + 5.779 * s2, -25.59 + 29.71 * s - 7.296 * s2,
                    2.792 + 2.215 * s + 0.422 * s2 - 0.104 * s3, 0.807 + 2.005 * s,
                    3.841 + 0.316 * s)
    z = np.zeros_like(x)
    out = {
        "uv": uv,
        "dv": dv,
        "ubar": 0.5 * (udb - delta),
        "dbar": 0.5 * (udb + delta),
        "s": sb,
        "c": cb,
        "g": gl,
    }
    return {k: np.where(ok, np.clip(v, 0.0, None), z) for k, v in out.items()}

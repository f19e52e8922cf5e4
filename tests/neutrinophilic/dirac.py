"""Explicit Dirac matrices (Dirac representation) for independent trace checks in the tests."""

import numpy as np

I2 = np.eye(2)
_PAULI = [np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.array([[1, 0], [0, -1]])]
G0 = np.block([[I2, 0 * I2], [0 * I2, -I2]]).astype(complex)
GAMMA = [G0] + [np.block([[0 * I2, s], [-s, 0 * I2]]).astype(complex) for s in _PAULI]
G5 = 1j * GAMMA[0] @ GAMMA[1] @ GAMMA[2] @ GAMMA[3]
ONE = np.eye(4, dtype=complex)
PL = 0.5 * (ONE - G5)
PR = 0.5 * (ONE + G5)
METRIC = np.diag([1.0, -1.0, -1.0, -1.0])


def slash(p):
    """p_mu gamma^mu for a four-vector p = (E, px, py, pz) (upper index)."""
    return p[0] * GAMMA[0] - p[1] * GAMMA[1] - p[2] * GAMMA[2] - p[3] * GAMMA[3]


def bar(m):
    """gamma^0 m^dagger gamma^0."""
    return G0 @ m.conj().T @ G0


def dot(a, b):
    return a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3]

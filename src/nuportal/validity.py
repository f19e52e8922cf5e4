"""Warnings about documented limitations, said at run time when a calculation meets them.

A :class:`ValidityWarning` is raised (through :func:`warnings.warn`) when a result is computed
outside the validated range of a model or with incomplete input data, e.g. the shipped SBND flux
table that covers only 1-3 GeV (rates are lower bounds) or a shower photon cut below ~0.5 MeV in a
high-Z material (photoelectric absorption, not simulated, matters there). The command line prints
each as one line on standard error (:func:`cli_formatwarning`).
"""

from __future__ import annotations

import warnings

__all__ = ["ValidityWarning", "cli_formatwarning", "warn_limitation"]


class ValidityWarning(UserWarning):
    """A result is outside the documented range of validity, or rests on incomplete data."""


def warn_limitation(message: str, stacklevel: int = 3) -> None:
    """Warn with a :class:`ValidityWarning` (``stacklevel`` as for :func:`warnings.warn`)."""
    warnings.warn(message, ValidityWarning, stacklevel=stacklevel)


_ORIGINAL_FORMAT = warnings.formatwarning


def cli_formatwarning(message, category, filename, lineno, line=None) -> str:
    """A :func:`warnings.formatwarning` for the command line: one line ``nuportal: warning:
    ...`` for a :class:`ValidityWarning`, the standard format for anything else.

    Install with ``warnings.formatwarning = cli_formatwarning`` (recording contexts such as
    ``warnings.catch_warnings(record=True)`` keep working: they do not format).
    """
    if issubclass(category, ValidityWarning):
        return f"nuportal: warning: {message}\n"
    return _ORIGINAL_FORMAT(message, category, filename, lineno, line)

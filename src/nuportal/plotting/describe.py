"""Titles that say what a figure shows: model, mass, couplings, nature, beam and detector.

Built from the metadata every nuportal event file carries; mathtext only (no LaTeX needed).
Titles are wrapped to fit the canvas.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from typing import Any

__all__ = [
    "coupling_label",
    "describe_events",
    "describe_upscattering",
    "detector_title",
    "wrap",
]

_FLAVOUR_TEX = {"e": "e", "mu": r"\mu", "tau": r"\tau"}
_EQ = "\u00a0=\u00a0"  # no line break around '=' when a title is wrapped
_DETECTORS = {
    "microboone": "MicroBooNE",
    "miniboone": "MiniBooNE",
    "sbnd": "SBND",
    "icarus": "ICARUS",
    "dune_nd": "DUNE ND",
    "nova_nd": "NOvA ND",
}


def wrap(text: str, width: int = 100) -> str:
    """Wrap a title to lines of at most ``width`` characters, never inside ``$...$``."""
    lines = []
    for part in text.split("\n"):
        pieces = part.split("$")
        for i in range(1, len(pieces), 2):  # math between odd-numbered '$': keep it whole
            pieces[i] = pieces[i].replace(" ", "\x00")
        joined = "$".join(pieces)
        wrapped = textwrap.wrap(joined, width, break_long_words=False) or [""]
        lines.extend(line.replace("\x00", " ") for line in wrapped)
    return "\n".join(lines)


def coupling_label(mixing: str | None, squared: bool = True) -> str:
    """Mathtext for an HNL mixing, e.g. ``$|U_{\\mu 4}|^2$`` (``$|U_{\\ell 4}|^2$`` if unknown)."""
    tex = _FLAVOUR_TEX.get(str(mixing), r"\ell")
    return rf"$|U_{{{tex} 4}}|{'^2' if squared else ''}$"


def _mass(m: float) -> str:
    return f"{m * 1e3:.4g} MeV" if m < 1.0 else f"{m:.4g} GeV"


def _number(x: float) -> str:
    """Mathtext of a number: 1e-06 -> $10^{-6}$, 3e-05 -> $3 \\times 10^{-5}$."""
    if x == 0 or 1e-3 <= abs(x) < 1e4:
        return f"{x:.3g}"
    mantissa, exponent = f"{x:.2e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    power = f"10^{{{int(exponent)}}}"
    return f"${power}$" if mantissa == "1" else rf"${mantissa} \times {power}$"


def detector_title(name: str | None) -> str:
    """Display name of a detector (``"microboone"`` -> ``"MicroBooNE"``)."""
    return _DETECTORS.get(str(name), str(name or "detector"))


def describe_events(meta: Mapping[str, Any], n_events: int | None = None) -> str:
    """Title of a ``nuportal generate`` event sample (HNL or scalar from kaons at rest)."""
    model = meta.get("model")
    det = detector_title(meta.get("detector"))
    source = meta.get("source", "")
    if model == "hnl":
        nature = "Majorana" if meta.get("majorana", True) else "Dirac"
        head = (
            f"HNL ({nature}), $m_N${_EQ}{_mass(meta['mass_GeV'])}, "
            f"{coupling_label(meta.get('mixing'))}{_EQ}{_number(meta['coupling'])}"
        )
        decay = r"$N \to \nu e^+ e^-$"
    elif model == "scalar":
        head = (
            f"Higgs-portal scalar, $m_S${_EQ}{_mass(meta['mass_GeV'])}, "
            rf"$\theta${_EQ}{_number(meta['coupling'])}"
        )
        decay = r"$S \to e^+ e^-$"
    else:
        head, decay = "events", "decays"
    if source == "kaons decaying at rest":
        source = "$K^+$ decaying at rest" + (" (NuMI absorber)" if det == "MicroBooNE" else "")
    where = f"{source} " if source else ""
    tail = f" ({n_events} weighted events)" if n_events is not None else ""
    return wrap(f"{head}\n{where}$\\to$ {det}: {decay} in the active volume{tail}")


_PARAM = re.compile(r"(\w+)=([^,()]+)")


def describe_upscattering(meta: Mapping[str, Any], total: float | None = None) -> str:
    """Title of an upscattering sample: dark-neutrino model, beam flavour, experiment, decay."""
    params = dict(_PARAM.findall(str(meta.get("model", ""))))
    m4 = float(params.get("m4", meta.get("m4_GeV", float("nan"))))
    mz = float(params.get("mzprime", meta.get("mzprime_GeV", float("nan"))))
    dirac = params.get("dirac", str(meta.get("dirac", True))) == "True"
    couplings = []
    for key, tex in (("epsilon", r"\varepsilon"), ("Ue4", r"|U_{e4}|"), ("Umu4", r"|U_{\mu 4}|"),
                     ("Utau4", r"|U_{\tau 4}|"), ("gD", r"g_D"), ("UD4", r"|U_{D4}|")):  # fmt: skip
        if key in params and float(params[key]) != 0.0:
            couplings.append(f"${tex}${_EQ}{_number(float(params[key]))}")
    for key in ("mu_tr_e4", "mu_tr_mu4", "mu_tr_tau4"):
        if key in params and float(params[key]) != 0.0:
            couplings.append(rf"$\mu_{{tr}}${_EQ}{_number(float(params[key]))} GeV$^{{-1}}$")
    flavour = str(meta.get("flavour", "mu"))
    base = flavour.removesuffix("bar")
    nu = rf"$\bar\nu_{_FLAVOUR_TEX.get(base, base)}$" if flavour.endswith("bar") else \
        rf"$\nu_{_FLAVOUR_TEX.get(base, base)}$"  # fmt: skip
    experiment = str(meta.get("experiment", ""))
    det, _, mode = experiment.rpartition("_")
    if mode in ("fhc", "rhc") and det:
        experiment = f"{detector_title(det)} ({mode.upper()})"
    decay = str(meta.get("decay", "")).replace("nu", r"$\nu$").replace("e e", "$e^+e^-$")
    decay = decay.replace("mu mu", r"$\mu^+\mu^-$").replace("gamma", r"$\gamma$")
    n = "N5" if meta.get("hnl") == 5 else "N"
    head = (
        f"dark neutrino ({'Dirac' if dirac else 'Majorana'}), $m_4${_EQ}{_mass(m4)}, "
        f"$m_{{Z'}}${_EQ}{_mass(mz)}, " + ", ".join(couplings)
    )
    count = f": {total:.3g} events" if total is not None else ""
    return wrap(
        f"{head}\n{nu} beam at {experiment} ({_number(float(meta.get('pot', 0)))} POT), "
        f"{n} $\\to$ {decay} in the detector{count}"
    )

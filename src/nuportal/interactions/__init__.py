"""Standard-Model neutrino interactions: cross sections, samplers, events, reweighting knobs.

Processes (each a module with its references): nu e -> nu e (:mod:`.nu_electron`), CC
quasi-elastic on free nucleons and Fermi gases (:mod:`.ccqe`), 2p2h (:mod:`.mec`), resonant and
non-resonant pion production, DIS (:mod:`.resonant`, :mod:`.dis`). Events in the common record
:class:`InteractionEvents` (:mod:`.events`), generated for a flux and target by
:func:`generate_interactions` (:mod:`.generate`) and reweighted with :func:`reweight`
(:mod:`.reweight`).
"""

from __future__ import annotations

from importlib import import_module

from nuportal.interactions.events import MODES, InteractionEvents, concat
from nuportal.interactions.reweight import KNOBS, Knob, register_knob, reweight

__all__ = [
    "KNOBS",
    "MODES",
    "InteractionEvents",
    "Knob",
    "concat",
    "register_knob",
    "reweight",
]

# Process modules register their knobs and samplers on import; missing ones (work in progress)
# are skipped so the package stays importable.
for _name in ("nu_electron", "ccqe", "mec", "resonant", "dis"):
    try:
        import_module(f"nuportal.interactions.{_name}")
    except ModuleNotFoundError as _exc:
        if _exc.name != f"nuportal.interactions.{_name}":
            raise
del _name

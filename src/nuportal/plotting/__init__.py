"""Figures of nuportal (matplotlib, mathtext only; no LaTeX needed).

One module per family of figures; everything is re-exported here, so
``nuportal.plotting.plot_events`` and friends keep working. Plotting happens nowhere else in
the package.
"""

from nuportal.plotting.events import plot_events, plot_upscattering
from nuportal.plotting.files import plot_file, plot_scan
from nuportal.plotting.interaction_events import plot_interaction_events
from nuportal.plotting.interactions import plot_cross_sections
from nuportal.plotting.neutrinophilic import plot_nuphilic_events, plot_nuphilic_reach
from nuportal.plotting.oscillation import plot_oscillation_regions, plot_oscillation_spectrum
from nuportal.plotting.recast import plot_recast
from nuportal.plotting.showers import plot_dark_photons, plot_shower
from nuportal.plotting.target import plot_meson_maps
from nuportal.plotting.tuning import plot_tuning_significance, plot_tuning_spectra

__all__ = [
    "plot_cross_sections",
    "plot_dark_photons",
    "plot_events",
    "plot_file",
    "plot_interaction_events",
    "plot_meson_maps",
    "plot_nuphilic_events",
    "plot_nuphilic_reach",
    "plot_oscillation_regions",
    "plot_oscillation_spectrum",
    "plot_recast",
    "plot_scan",
    "plot_shower",
    "plot_tuning_significance",
    "plot_tuning_spectra",
    "plot_upscattering",
]

"""nuportal: new-physics phenomenology at accelerator neutrino facilities."""

__version__ = "0.1.0"

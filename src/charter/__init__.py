"""Charter: governance as code for mission-controlled companies."""

__version__ = "0.1.0"

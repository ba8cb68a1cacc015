"""Frozen, typed domain objects shared by every layer."""

from charter.model.source import Diagnostic, Level, LoadFailed, Source

__all__ = ["Diagnostic", "Level", "LoadFailed", "Source"]

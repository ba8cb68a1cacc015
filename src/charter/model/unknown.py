"""The record is often silent.  A fact the record does not give is written ``unknown`` in files
and is carried as :data:`UNKNOWN` - never coerced to ``False`` or ``0`` - so that a rule which
depends on it reports ``unknown`` and the act becomes ``conditional`` instead of being judged on an
invented fact.
"""

from __future__ import annotations

from typing import Literal, TypeVar

Unknown = Literal["unknown"]
UNKNOWN: Unknown = "unknown"

T = TypeVar("T")


def is_unknown(value: object) -> bool:
    return isinstance(value, str) and value == UNKNOWN

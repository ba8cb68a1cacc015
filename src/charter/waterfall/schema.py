"""The waterfall file's shape (pydantic, strict keys); meaning is checked in ``load``.

Scalars that carry amounts, percentages or multiples stay raw here (``Scalar``): they may be a
``$parameter`` reference, so they are parsed after parameters are resolved, with located errors.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

Scalar = int | float | str


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ParamSpec(_Strict):
    default: bool | int | float | str
    doc: str | None = None


class CapSpec(_Strict):
    amount: Scalar | None = None
    multiple: Scalar | None = None
    on: Scalar = "gross"


class PartySpec(_Strict):
    id: str
    name: str | None = None
    entity: str | None = None  # a charter entity id this party stands for (informational)
    capital: Scalar = 0
    cap: CapSpec | None = None


class PreferredReturnSpec(_Strict):
    rate: Scalar
    years: Scalar = 1
    compounding: Scalar = "compound"


class ConditionSpec(_Strict):
    party: str | None = None
    distributed: Scalar | None = None
    receives: Scalar | None = None
    multiple: Scalar | None = None
    preferred_return: PreferredReturnSpec | None = None
    profit_share: Scalar | None = None


class UntilSpec(ConditionSpec):
    all_: list[ConditionSpec] | None = Field(default=None, alias="all")
    any_: list[ConditionSpec] | None = Field(default=None, alias="any")


class TierSpec(_Strict):
    name: str
    split: dict[str, Scalar]
    until: UntilSpec | None = None


class ClassSpec(_Strict):
    id: str
    name: str | None = None
    shares: Scalar
    invested: Scalar = 0
    multiple: Scalar = 1
    seniority: int = 0
    participating: bool | str = False
    cap: Scalar | None = None


class WaterfallSpec(_Strict):
    waterfall: str
    description: str | None = None
    params: dict[str, ParamSpec] = Field(default_factory=dict)
    parties: list[PartySpec] | None = None
    tiers: list[TierSpec] | None = None
    residual: str | None = None
    capped_share_to: str | None = None
    classes: list[ClassSpec] | None = None

"""Amending the bylaws: an amendment takes effect only if the bylaws it adopts are bylaws at all
(every parameter exists and holds a value it can take) and respect the statute's floors
(``charter.model.floors``).  Judged against the bylaws in force at the act, which an earlier
amendment may have changed: the loader judged it against the profile the journal starts with."""

from __future__ import annotations

from charter.model.floors import judge_amendment
from charter.model.kinds import ActKind, Outcome
from charter.rules.base import ActContext, Check


def amendment(ctx: ActContext) -> list[Check]:
    spec = ctx.spec
    if spec.act is not ActKind.AMEND_BYLAWS:
        return []
    amend = spec.amendment
    if amend is None or (amend.profile is None and not amend.set):
        return [
            ctx.check(
                "amendment.valid",
                "bylaws amendment",
                Outcome.FAILED,
                f"{ctx.subject_text}: the act names no amendment; expected a profile or "
                "parameters to set",
            )
        ]
    replacement = None
    if amend.profile is not None:
        replacement = ctx.profiles.get(amend.profile)
        if replacement is None:
            return [
                ctx.check(
                    "amendment.valid",
                    "bylaws amendment",
                    Outcome.FAILED,
                    f"{ctx.subject_text}: profile '{amend.profile}' is not known to this case; "
                    "the bylaws in force stay as they are",
                )
            ]
    _, problems = judge_amendment(ctx.bylaws, replacement, amend.set)
    if not problems:
        what = f"profile '{amend.profile}'" if amend.profile else ""
        what += (" and " if what else "") + ", ".join(
            f"{k}: {v}" for k, v in sorted(amend.set.items())
        )
        return [
            ctx.check(
                "amendment.valid",
                "bylaws amendment; statutory floors (docs/formats.md)",
                Outcome.PASSED,
                f"the amended bylaws ({what}) are valid and respect every statutory floor",
            )
        ]
    out = []
    for p in problems:
        if p.conditional:
            out.append(
                ctx.check(
                    "amendment.floor",
                    p.citation,
                    Outcome.UNKNOWN,
                    f"{ctx.subject_text}: {p.message}; it stands only if the certificate of "
                    "incorporation authorises it",
                    missing=(p.fact,),
                )
            )
        else:
            rule = "amendment.floor" if p.citation and p.key != "profile" else "amendment.valid"
            out.append(
                ctx.check(
                    rule,
                    p.citation or "bylaws amendment",
                    Outcome.FAILED,
                    f"{ctx.subject_text}: {p.message}; the amendment changes nothing "
                    f"(expected: {p.hint.removeprefix('expected ')})",
                )
            )
    return out

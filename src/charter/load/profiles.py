"""Bylaws profiles: the shipped ones by name, or a user's YAML file; ``extends`` composes them."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from charter.load.confine import outside_error
from charter.located import (
    did_you_mean,
    locate,
    plain,
    read_mapping,
    read_text,
    read_yaml,
    validate,
)
from charter.model.bylaws import Bylaws, apply_amendment
from charter.model.floors import errors as floor_errors
from charter.model.source import Diagnostic, Source

PROFILE_PACKAGE = "charter.profiles"


def shipped_profiles() -> list[str]:
    root = resources.files(PROFILE_PACKAGE)
    return sorted(p.name.removesuffix(".yaml") for p in root.iterdir() if p.name.endswith(".yaml"))


def _shipped_text(name: str) -> str | None:
    """The text of the shipped profile ``name``; None for any other name (a name is looked up
    among the shipped ones, never joined to the package's path: ``../../x`` is not shipped)."""
    if name not in shipped_profiles():
        return None
    return (resources.files(PROFILE_PACKAGE) / f"{name}.yaml").read_text(encoding="utf-8")


def deep_merge(
    base: dict[str, Any], over: dict[str, Any], *, cite: str | None = None
) -> dict[str, Any]:
    """``over`` laid on ``base``.  With ``cite`` (the overriding profile, when a profile extends
    another): a block whose settings ``over`` changes without giving its own ``citation`` no
    longer carries the base's, which describes the base's values (a 48-hour notice rule was
    cited with the template's "24 hours"); it cites the overriding profile instead."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value, cite=cite)
        else:
            merged[key] = value
    changed = [k for k, v in over.items() if k != "citation" and base.get(k) != v]
    if cite is not None and "citation" in base and "citation" not in over and changed:
        merged["citation"] = f"{cite}: {', '.join(changed)} as this profile sets them"
    return merged


def _raw(
    ref: str,
    *,
    relative_to: Path | None,
    where: Source | None,
    seen: tuple[str, ...],
    confine: Path | None,
) -> tuple[dict[str, Any] | None, str, list[Diagnostic]]:
    """The merged raw mapping of a profile (after ``extends``), and the path it came from.

    With ``confine``, a profile file (and every file it extends) must lie inside that
    directory: it is checked before the file is opened (charter.load.confine)."""
    text = _shipped_text(ref)
    label = f"<profile {ref}>"
    if text is None:
        if confine is not None:
            here = where or Source(path=ref, line=1)
            refused = outside_error(confine, ref, here, base=relative_to)
            if refused is not None:
                return None, label, [refused]
        candidate = Path(ref)
        if relative_to is not None and not candidate.is_absolute():
            candidate = relative_to / candidate
        if not candidate.is_file():
            here = where or Source(path=ref, line=1)
            guess = did_you_mean(ref, shipped_profiles())
            hint = f"did you mean '{guess}'?" if guess else None
            hint = hint or "use a shipped profile (" + ", ".join(shipped_profiles()) + ") or a file"
            return (
                None,
                label,
                [Diagnostic(source=here, message=f"unknown bylaws profile '{ref}'", hint=hint)],
            )
        label = str(candidate)
        text, errors = read_text(candidate)
        if text is None:
            return None, label, errors
    data, errors = read_mapping(label, "a bylaws profile", "profile: NAME", text)
    if errors:
        return None, label, errors
    mapping = plain(data)
    parent = mapping.get("extends")
    if isinstance(parent, str):
        if parent in seen:
            return (
                None,
                label,
                [
                    Diagnostic(
                        source=Source(path=label, line=1),
                        message=f"profile extends itself through '{parent}'",
                        hint="remove the cycle in 'extends'",
                    )
                ],
            )
        base, _, errs = _raw(
            parent,
            relative_to=Path(label).parent,
            where=locate(data, ("extends",), label),
            seen=(*seen, parent),
            confine=confine,
        )
        if errs:
            return None, label, errs
        assert base is not None
        base.pop("extends", None)
        own = mapping.get("profile")
        mapping = deep_merge(base, mapping, cite=own if isinstance(own, str) else label)
    return mapping, label, []


def load_profile(
    ref: str,
    *,
    relative_to: Path | None = None,
    where: Source | None = None,
    confine: Path | None = None,
) -> tuple[Bylaws | None, list[Diagnostic]]:
    """A profile by shipped name or by path (relative to the case directory).

    ``confine``: the case directory a case's profile files must lie in (None: anywhere, for a
    profile the user named on the command line or ``--allow-outside``)."""
    mapping, label, errors = _raw(
        ref, relative_to=relative_to, where=where, seen=(ref,), confine=confine
    )
    if errors or mapping is None:
        return None, errors
    own_text = _shipped_text(ref)
    positions, _ = read_yaml(label, own_text) if own_text is not None else read_yaml(label)
    bylaws, errors = validate(Bylaws, mapping, label, positions=positions)
    if bylaws is None:
        return None, errors
    below = [
        Diagnostic(
            source=locate(positions, breach.where, label), message=breach.message, hint=breach.hint
        )
        for breach in floor_errors(bylaws)
    ]
    if below:
        return None, below
    return bylaws, errors


__all__ = ["apply_amendment", "deep_merge", "load_profile", "shipped_profiles"]

"""A vote of the holders (issue 13): weighed by the voting power of their interests, with the
holders a provision excludes left out of the base; an unknown share or tally leaves it
conditional; an unknown holder is a located error."""

from __future__ import annotations

from pathlib import Path

import pytest

from charter.load.case import load_case
from charter.model.kinds import Status
from charter.replay import replay
from govkit import rendered, verdict, write_case

HOLDERS = """interests:
  - {holder: trust, entity: org, kind: Class T, voting: true, votes: 10%}
  - {holder: gus, entity: org, kind: founders' common, voting: true, votes: 50%}
  - {holder: hal, entity: org, kind: Series A, voting: true, votes: 30%}
  - {holder: fay, entity: org, kind: other preferred, voting: true, votes: VOTES_FAY}
"""


def _timeline(root: Path, vote: str, fay: str = "10%"):  # type: ignore[no-untyped-def]
    write_case(root, vote)
    path = root / "charter.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "  - {id: org, name: Test Org, kind: nonprofit}\n",
        "  - {id: org, name: Test Org, kind: corporation}\n"
        "  - {id: trust, name: The Trust, kind: trust}\n",
    )
    path.write_text(text + HOLDERS.replace("VOTES_FAY", fay), encoding="utf-8")
    case, diagnostics = load_case(root)
    assert case is not None, rendered(diagnostics, root)
    return replay(case)


@pytest.mark.parametrize(
    ("votes", "fay", "status"),
    [
        # 85% of the voting power excluding Class T: 50+30 of 90 = 88.9%
        ("{gus: for, hal: for, fay: against}", "10%", Status.VALID),
        # 50+10 of 90 = 66.7%: short of 85%
        ("{gus: for, fay: for, hal: against}", "10%", Status.FAILED),
        ("unknown", "10%", Status.CONDITIONAL),
        ("{gus: for, hal: for, fay: against}", "unknown", Status.CONDITIONAL),
    ],
)
def test_a_supermajority_of_the_voting_power_excluding_a_class(
    tmp_path: Path, votes: str, fay: str, status: Status
) -> None:
    vote = f"""
- id: amend-trust
  at: 2025-12-01
  kind: holders-vote
  entity: org
  matter: amend the certificate to change the Trust
  fraction: 85/100
  excluding: [trust]
  votes: {votes}
"""
    v = verdict(_timeline(tmp_path, vote, fay), "amend-trust")
    assert v.status is status
    assert v.form == "holders"


def test_a_holders_vote_naming_nobody_known_is_a_located_error(tmp_path: Path) -> None:
    write_case(
        tmp_path,
        "- {id: v, at: 2025-01-01, kind: holders-vote, entity: org, matter: x,"
        " votes: {ghost: for}}",
    )
    case, diagnostics = load_case(tmp_path)
    assert case is None
    assert "unknown entity or person 'ghost'" in "\n".join(rendered(diagnostics, tmp_path))

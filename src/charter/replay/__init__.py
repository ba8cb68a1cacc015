"""The fold: ``(case) -> Timeline`` of verdicts and states; it asks ``rules``, knows none."""

from charter.replay.engine import Snapshot, Timeline, Verdict, replay
from charter.rules.status import status_of  # re-exported: how checks make a status

__all__ = ["Snapshot", "Timeline", "Verdict", "replay", "status_of"]

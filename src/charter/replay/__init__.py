"""The fold: ``(case) -> Timeline`` of verdicts and states; it asks ``rules``, knows none."""

from charter.replay.engine import Snapshot, Timeline, Verdict, replay, status_of

__all__ = ["Snapshot", "Timeline", "Verdict", "replay", "status_of"]

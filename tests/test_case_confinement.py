"""A case's files lie inside its case directory (issue 11, item 12).

Every file a case names (a journal, the bylaws profile and what it extends, a profile an
amendment adopts, the waterfall, charter.yaml itself) must lie inside the case directory once
symbolic links are resolved: absolute names and ``..`` that climb out are refused with a located
error, the file is never opened, and none of its lines reach any output; ``--allow-outside``
lifts this for the person at the command line.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from charter.cli import app
from charter.load.case import load_case
from charter.load.confine import OutsideCase, outside_reason
from charter.store.db import EventStore
from charter.store.journal_io import import_case
from charter.web.source import DirectoryCaseSource
from govkit import journal_text, write_case

runner = CliRunner()
EXAMPLE_WATERFALL = Path(__file__).parents[1] / "examples" / "openai-2023" / "waterfall.yaml"

SECRET_MARK = "s3cr3t-l1ne"
SECRET_TEXT = (
    f"{SECRET_MARK}-key: {SECRET_MARK}-value\n"
    f"profile: {SECRET_MARK}-profile\n"
    f"events: [{SECRET_MARK}]\n"
    f"waterfall: {SECRET_MARK}\n"
)
"""What a file outside the case holds: if it were read, the loaders' errors would quote it."""

OK_EVENTS = """
- {at: 2024-01-10T09:00, kind: resignation, person: eve, positions: [director]}
"""


def _secret(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir(exist_ok=True)
    secret = outside / "secret.yaml"
    secret.write_text(SECRET_TEXT, encoding="utf-8")
    return secret


def _case(tmp_path: Path, **kw: object) -> Path:
    return write_case(tmp_path / "case", OK_EVENTS, **kw)  # type: ignore[arg-type]


def _set_charter(root: Path, **changes: str) -> None:
    """Rewrite top-level keys of charter.yaml (journal, bylaws, waterfall)."""
    lines = (root / "charter.yaml").read_text(encoding="utf-8").splitlines()
    kept = [ln for ln in lines if ln.split(":", 1)[0] not in changes]
    kept += [f"{key}: {value}" for key, value in changes.items()]
    (root / "charter.yaml").write_text("\n".join(kept) + "\n", encoding="utf-8")


# Each escape rewrites a case so that it names the secret file outside it.
Escape = Callable[[Path, Path], None]


def _journal_absolute(root: Path, secret: Path) -> None:
    _set_charter(root, journal=f"[journal.yaml, {secret}]")


def _journal_dotdot(root: Path, secret: Path) -> None:
    _set_charter(root, journal="[journal.yaml, ../outside/secret.yaml]")


def _journal_symlink(root: Path, secret: Path) -> None:
    (root / "linked.yaml").symlink_to(secret)
    _set_charter(root, journal="[journal.yaml, linked.yaml]")


def _journal_symlinked_dir(root: Path, secret: Path) -> None:
    (root / "sub").symlink_to(secret.parent, target_is_directory=True)
    _set_charter(root, journal="[journal.yaml, sub/secret.yaml]")


def _journal_deep_dotdot(root: Path, secret: Path) -> None:
    (root / "a").mkdir()
    _set_charter(root, journal="[journal.yaml, a/../../outside/secret.yaml]")


def _bylaws_dotdot(root: Path, secret: Path) -> None:
    _set_charter(root, bylaws="../outside/secret.yaml")


def _bylaws_absolute(root: Path, secret: Path) -> None:
    _set_charter(root, bylaws=str(secret))


def _profile_extends_out(root: Path, secret: Path) -> None:
    (root / "mine.yaml").write_text(
        "profile: mine\nextends: ../outside/secret.yaml\n", encoding="utf-8"
    )
    _set_charter(root, bylaws="mine.yaml")


def _amendment_profile_out(root: Path, secret: Path) -> None:
    events = OK_EVENTS + (
        "- {at: 2024-02-01T10:00, kind: motion, form: written-consent, act: amend-bylaws,"
        " amendment: {profile: ../outside/secret.yaml}}\n"
    )
    (root / "journal.yaml").write_text(journal_text(events), encoding="utf-8")


def _waterfall_dotdot(root: Path, secret: Path) -> None:
    _set_charter(root, waterfall="../outside/secret.yaml")


def _waterfall_absolute(root: Path, secret: Path) -> None:
    _set_charter(root, waterfall=str(secret))


def _waterfall_symlink(root: Path, secret: Path) -> None:
    (root / "money.yaml").symlink_to(secret)
    _set_charter(root, waterfall="money.yaml")


def _charter_symlink(root: Path, secret: Path) -> None:
    (root / "charter.yaml").unlink()
    (root / "charter.yaml").symlink_to(secret)


ESCAPES: dict[str, Escape] = {
    "journal-absolute": _journal_absolute,
    "journal-dotdot": _journal_dotdot,
    "journal-symlink": _journal_symlink,
    "journal-symlinked-dir": _journal_symlinked_dir,
    "journal-deep-dotdot": _journal_deep_dotdot,
    "bylaws-dotdot": _bylaws_dotdot,
    "bylaws-absolute": _bylaws_absolute,
    "profile-extends-out": _profile_extends_out,
    "amendment-profile-out": _amendment_profile_out,
    "waterfall-dotdot": _waterfall_dotdot,
    "waterfall-absolute": _waterfall_absolute,
    "waterfall-symlink": _waterfall_symlink,
    "charter-symlink": _charter_symlink,
}


@pytest.fixture(params=sorted(ESCAPES))
def escaped(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A case directory that names the secret file outside it, one way or another."""
    secret = _secret(tmp_path)
    root = _case(tmp_path)
    ESCAPES[request.param](root, secret)
    return root


def test_load_case_refuses_every_escape_with_a_located_error(escaped: Path) -> None:
    case, diagnostics = load_case(escaped)
    assert case is None
    outside = [d for d in diagnostics if "outside the case directory" in d.message]
    outside += [d for d in diagnostics if "is an absolute path" in d.message]
    assert outside, [d.render() for d in diagnostics]
    for d in outside:
        assert "--allow-outside" in d.message
        assert Path(d.source.path).name in ("charter.yaml", "mine.yaml", "journal.yaml")
        assert d.source.line >= 1
    assert SECRET_MARK not in "\n".join(d.render() for d in diagnostics)


def test_the_error_points_at_the_key_that_names_the_file(tmp_path: Path) -> None:
    _secret(tmp_path)
    root = _case(tmp_path)
    _set_charter(root, journal="[journal.yaml, ../outside/secret.yaml]")
    _, diagnostics = load_case(root)
    line = next(
        i
        for i, text in enumerate((root / "charter.yaml").read_text().splitlines(), 1)
        if text.startswith("journal:")
    )
    [d] = diagnostics
    assert (d.source.path, d.source.line) == (str(root / "charter.yaml"), line)
    assert d.message == (
        f"file '../outside/secret.yaml' lies outside the case directory {root}; "
        "pass --allow-outside to read it"
    )


def test_an_outside_file_is_never_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = _secret(tmp_path)
    root = _case(tmp_path)
    _set_charter(root, journal=f"[journal.yaml, {secret}]", waterfall="../outside/secret.yaml")
    opened: list[str] = []
    real = Path.read_text

    def spy(self: Path, *args: object, **kw: object) -> str:
        opened.append(str(self.resolve()))
        return real(self, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "read_text", spy)
    load_case(root)
    assert str(secret.resolve()) not in opened


@pytest.mark.parametrize(
    "journal",
    ["journals/j.yaml", "sub/../journals/j.yaml", "./journals/j.yaml", "inside-link.yaml"],
)
def test_a_path_inside_the_case_is_fine(tmp_path: Path, journal: str) -> None:
    root = _case(tmp_path)
    (root / "journals").mkdir()
    (root / "sub").mkdir()
    (root / "journals" / "j.yaml").write_text(journal_text(OK_EVENTS), encoding="utf-8")
    (root / "inside-link.yaml").symlink_to(root / "journals" / "j.yaml")
    (root / "money.yaml").write_text(EXAMPLE_WATERFALL.read_text(), encoding="utf-8")
    (root / "mine.yaml").write_text("profile: mine\nextends: delaware-stock\n")
    _set_charter(root, journal=f"[{journal}]", waterfall="money.yaml", bylaws="mine.yaml")
    case, diagnostics = load_case(root)
    assert case is not None, [d.render() for d in diagnostics]
    assert len(case.entries) == 1


def test_a_case_reached_through_a_symlinked_directory_is_inside(tmp_path: Path) -> None:
    real = _case(tmp_path)
    link = tmp_path / "link-to-case"
    link.symlink_to(real, target_is_directory=True)
    case, diagnostics = load_case(link)
    assert case is not None, [d.render() for d in diagnostics]


def test_allow_outside_reads_it(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "more.yaml").write_text(
        journal_text(
            "- {at: 2024-03-01T09:00, kind: resignation, person: dan, positions: [director]}"
        ),
        encoding="utf-8",
    )
    root = _case(tmp_path)
    _set_charter(root, journal="[journal.yaml, ../outside/more.yaml]")
    assert load_case(root)[0] is None
    case, diagnostics = load_case(root, outside="read")
    assert case is not None, [d.render() for d in diagnostics]
    assert len(case.entries) == 2

    refused = runner.invoke(app, ["replay", str(root)])
    assert refused.exit_code == 1
    assert "lies outside the case directory" in refused.output
    allowed = runner.invoke(app, ["replay", str(root), "--allow-outside"])
    assert allowed.exit_code == 0, allowed.output
    assert runner.invoke(app, ["check", str(root), "--allow-outside"]).exit_code == 0
    assert runner.invoke(app, ["check", str(root)]).exit_code == 1


def _commands(root: Path, db: Path) -> list[list[str]]:
    return [
        ["check", str(root)],
        ["check", str(root / "journal.yaml")],
        ["check", str(root), "--json"],
        ["replay", str(root)],
        ["replay", str(root), "--json"],
        ["state", str(root), "--at", "2024-02-01"],
        ["report", str(root)],
        ["fmt", str(root)],
        ["import", str(root), "--db", str(db)],
    ]


def test_no_line_of_the_outside_file_appears_in_any_output(escaped: Path, tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    for args in _commands(escaped, db):
        result = runner.invoke(app, args)
        if args[1] != str(escaped / "journal.yaml"):  # a journal alone reports its own errors
            assert result.exit_code != 0, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), args
        assert SECRET_MARK not in result.output, (args, result.output)
        assert "Traceback" not in result.output


def test_import_refuses_and_stores_nothing(escaped: Path, tmp_path: Path) -> None:
    db = tmp_path / "board.db"
    result = runner.invoke(app, ["import", str(escaped), "--db", str(db)])
    assert result.exit_code == 1
    assert "--allow-outside" in result.output
    if db.exists():
        with EventStore.open(str(db), create=False) as store:
            assert store.orgs() == []


def test_import_case_itself_refuses_an_outside_waterfall(tmp_path: Path) -> None:
    """The store's own check, for a case that was loaded with --allow-outside elsewhere."""
    secret = _secret(tmp_path)
    root = _case(tmp_path)
    _set_charter(root, waterfall=str(secret))
    case, diagnostics = load_case(root, outside="read")
    assert case is not None, [d.render() for d in diagnostics]
    with EventStore.open(str(tmp_path / "board.db")) as store:
        with pytest.raises(OutsideCase, match=r"outside the case directory|absolute path") as err:
            import_case(store, case)
        assert SECRET_MARK not in str(err.value)
        assert store.orgs() == []
        name, _ = import_case(store, case, allow_outside=True)
        assert store.records(name)[0]["waterfall"]["text"] == SECRET_TEXT


def test_import_with_allow_outside_embeds_the_waterfall(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(EXAMPLE_WATERFALL, outside / "waterfall.yaml")
    root = _case(tmp_path)
    _set_charter(root, waterfall="../outside/waterfall.yaml")
    db = tmp_path / "board.db"
    refused = runner.invoke(app, ["import", str(root), "--db", str(db)])
    assert refused.exit_code == 1
    allowed = runner.invoke(app, ["import", str(root), "--db", str(db), "--allow-outside"])
    assert allowed.exit_code == 0, allowed.output
    with EventStore.open(str(db), create=False) as store:
        [org] = store.orgs()
        embedded = store.records(org)[0]["waterfall"]["text"]
    assert embedded == EXAMPLE_WATERFALL.read_text(encoding="utf-8")


def test_the_service_never_reads_outside_a_case(escaped: Path) -> None:
    source = DirectoryCaseSource([escaped])
    [org] = source.orgs()
    case, diagnostics = source.case(org)
    assert case is None
    assert SECRET_MARK not in "\n".join(d.render() for d in diagnostics)
    assert source.waterfall(org) is None


@pytest.mark.parametrize(
    ("name", "inside"),
    [
        ("journal.yaml", True),
        ("a/b/../c.yaml", True),
        ("a/../../x.yaml", False),
        ("..", False),
        ("../case/journal.yaml", True),  # climbs out and back in: the same file
        ("/etc/passwd", False),
        ("//etc/passwd", False),
    ],
)
def test_outside_reason_on_names(tmp_path: Path, name: str, inside: bool) -> None:
    root = tmp_path / "case"
    root.mkdir()
    assert (outside_reason(root, name) is None) is inside


def test_the_bundled_cases_later_waterfalls_travel_into_the_store(tmp_path: Path) -> None:
    """An era's waterfall (an interests-issued event's file) is embedded beside the charter's,
    so the service's Money page shows it without the case directory; a name the case does not
    give is never served."""
    from charter.store.journal_io import waterfall_of

    case, diagnostics = load_case(EXAMPLE_WATERFALL.parent)
    assert case is not None, diagnostics
    with EventStore.open(str(tmp_path / "board.db")) as store:
        name, _ = import_case(store, case)
        records = store.records(name)
        later = waterfall_of(records, "waterfall-2025.yaml")
        assert later is not None
        assert later[1] == (EXAMPLE_WATERFALL.parent / "waterfall-2025.yaml").read_text()
        assert waterfall_of(records, "waterfall.yaml") == waterfall_of(records)
        assert waterfall_of(records, "../../etc/passwd") is None
    source = DirectoryCaseSource([EXAMPLE_WATERFALL.parent])
    assert source.waterfall("openai-2023", "charter.yaml") is None
    found = source.waterfall("openai-2023", "waterfall-2025.yaml")
    assert found is not None
    assert "OpenAI Group PBC equity" in found.text


def test_an_era_waterfall_outside_the_case_is_refused_at_import(tmp_path: Path) -> None:
    secret = _secret(tmp_path)
    root = _case(tmp_path)
    (root / "journal.yaml").write_text(
        journal_text(
            f"- {{at: 2024-01-01, kind: interests-issued, entity: org, waterfall: {secret}}}"
        ),
        encoding="utf-8",
    )
    refused, diagnostics = load_case(root)
    assert refused is None
    assert any("--allow-outside" in d.message for d in diagnostics)
    case, _ = load_case(root, outside="read")
    assert case is not None
    with EventStore.open(str(tmp_path / "board.db")) as store:
        with pytest.raises(OutsideCase):
            import_case(store, case)
        assert store.orgs() == []

"""A request chooses a profile only among those the server offers (the shipped ones and those
stored with the organisation); it never names a path, so no page reads a file a request names
and no error echoes a line of one (issue "Nothing lost, nothing read, nothing frozen", item 2)."""

from __future__ import annotations

import html
import os
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from charter.load.profiles import load_profile, shipped_profiles
from charter.web import DirectoryCaseSource, create_app
from service_support import make_portal

CASE = Path(__file__).resolve().parent.parent / "examples" / "openai-2023"
ORG = "openai-2023"
SECRET = "hunter2-do-not-show"
# A file a request might name: YAML whose keys and values are the secret.
SECRET_YAML = f"{SECRET}: {SECRET}\nquorum: {{fraction: '{SECRET}'}}\n"


def _hostile(root: Path) -> list[str]:
    """Paths a request might try: absolute, relative, climbing, to a YAML and a non-YAML file."""
    (root / "secret.yaml").write_text(SECRET_YAML, encoding="utf-8")
    (root / "deep").mkdir(exist_ok=True)
    return [
        str(root / "secret.yaml"),
        "secret.yaml",
        "./secret.yaml",
        "deep/../secret.yaml",
        os.path.relpath(root / "secret.yaml", CASE),
        "/etc/passwd",
        "../../../../../../../../etc/passwd",
        "../" * 12 + str(root / "secret")[1:],  # a shipped-name lookup climbing out of the package
        "portal.db",
        "x" * 5000,
    ]


@pytest.mark.parametrize("page", ["timeline", "power"])
def test_profile__a_path_is_refused_and_nothing_of_it_is_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    case = shutil.copytree(CASE, tmp_path / ORG)
    monkeypatch.chdir(tmp_path)
    client = TestClient(create_app(DirectoryCaseSource([case])))
    for ref in _hostile(tmp_path):
        r = client.get(f"/orgs/{ORG}/{page}", params={"profile": ref})
        assert r.status_code == 400, (ref, r.status_code)
        text = html.unescape(r.text)
        assert SECRET not in text, ref
        assert "root:" not in text, ref
        assert "choose one of" in text, ref
        assert ref[:200] not in text or len(ref) <= 100, "a long name is not echoed whole"


@pytest.mark.parametrize("name", sorted(shipped_profiles()))
def test_profile__every_shipped_profile_is_still_offered(name: str) -> None:
    client = TestClient(create_app(DirectoryCaseSource([CASE])))
    r = client.get(f"/orgs/{ORG}/timeline", params={"profile": name})
    assert r.status_code == 200, name
    assert f'value="{name}" selected' in r.text or f'value="{name}"' in r.text


def test_profile__the_service_never_opens_a_file_a_request_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    portal = make_portal(tmp_path)
    monkeypatch.chdir(tmp_path)  # the store's case root is "": paths were read from here
    observer = portal.as_("obs")
    opened: list[str] = []
    real_open = os.open

    def spy(path: object, *args: object, **kwargs: object) -> int:
        opened.append(os.fspath(path))  # type: ignore[arg-type]
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", spy)
    for ref in ["portal.db", "portal.db-wal", str(tmp_path / "portal.db"), *_hostile(tmp_path)]:
        for page in ("timeline", "power"):
            r = observer.get(f"/orgs/acme/{page}", params={"profile": ref})
            assert r.status_code == 400, (ref, page, r.status_code)
            assert SECRET not in html.unescape(r.text)
    assert not [p for p in opened if "portal.db" in p or "secret" in p or "passwd" in p]
    portal.store.close()


def test_load_profile__a_shipped_name_never_climbs_out_of_the_package(tmp_path: Path) -> None:
    (tmp_path / "evil.yaml").write_text(SECRET_YAML, encoding="utf-8")
    package = Path(__file__).resolve().parent.parent / "src" / "charter" / "profiles"
    climbing = os.path.relpath(tmp_path / "evil", package)
    profile, errors = load_profile(climbing)
    assert profile is None
    assert all(SECRET not in d.render() for d in errors)
    assert all("<profile" not in d.render() for d in errors)

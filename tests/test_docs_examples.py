"""Every command example in the docs runs and prints what the doc says (tests/docs_examples.py
explains the convention). A change that alters an output fails here, with the doc's file:line
and a unified diff, until the doc is updated (``make docs-update``)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from docs_examples import (
    ROOT,
    Block,
    BlockResult,
    all_blocks,
    check_marked,
    merge,
    read_blocks,
    run_blocks,
    update,
)

BLOCKS = all_blocks()
RUNNABLE = [b for b in BLOCKS if b.skip is None]


def missing_tools(block: Block) -> list[str]:
    """Tools besides charter and bash that the block's commands call and this machine lacks."""
    text = "\n".join([block.setup, *(c.text for c in block.commands)])
    return [t for t in ("jq",) if re.search(rf"\b{t}\b", text) and shutil.which(t) is None]


@pytest.fixture(scope="module")
def results(request: pytest.FixtureRequest) -> dict[str, BlockResult]:
    """Runs, in parallel threads, the blocks of the tests selected in this session."""
    wanted = {
        item.callspec.params["block"].name
        for item in request.session.items
        if getattr(item, "originalname", None) == "test_doc_example"
    }
    chosen = [b for b in RUNNABLE if b.name in wanted and not missing_tools(b)]
    return {r.block.name: r for r in run_blocks(chosen)}


def test_docs_have_examples() -> None:
    """The collector finds the documented commands (a broken convention would test nothing)."""
    assert sum(len(b.commands) for b in RUNNABLE if b.info == "console") >= 30
    assert {b.doc for b in RUNNABLE} >= {"docs/cli.md", "docs/formats.md"}


def test_every_charter_example_is_marked() -> None:
    assert check_marked(BLOCKS) == []


@pytest.mark.parametrize("block", RUNNABLE, ids=lambda b: b.name)
def test_doc_example(block: Block, results: dict[str, BlockResult]) -> None:
    if missing := missing_tools(block):
        pytest.skip(f"{block.name} calls {', '.join(missing)}, which is not installed")
    failures = results[block.name].failures()
    assert not failures, "\n\n".join(failures)


# -- the machinery itself, on small documents ---------------------------------------------------


def test_merge__wildcards_absorb_lines_and_matching_lines_are_kept() -> None:
    expected = ["head", "... (more rows)", "tail"]
    assert merge(expected, ["head", "a", "b", "tail"]) == expected
    assert merge(expected, ["head", "tail"]) == expected
    assert merge(["a ... z"], ["a middle z"]) == ["a ... z"]


def test_merge__a_changed_line_is_replaced_in_place_not_swallowed() -> None:
    expected = ["head", "exit 1", "...", "tail"]
    assert merge(expected, ["head", "exit 2", "x", "tail"]) == ["head", "exit 2", "...", "tail"]
    assert merge(["1"], ["2"]) == ["2"]
    assert merge(["a", "b"], ["a"]) == ["a"]
    assert merge(["a"], ["a", "b"]) == ["a", "b"]


def test_merge__varying_values_are_masked() -> None:
    expected = ["done in 1.5 s at 2026-11-28T19:37:40.016334Z"]
    assert merge(expected, ["done in 0.2 s at 2027-01-01T00:00:00.5Z"]) == expected


DOC = """\
# A doc

<!-- console COLUMNS=100
printf 'x: 1\\n' > /tmp/f.yaml
-->
```console
$ cat /tmp/f.yaml; echo "$COLUMNS"
x: 1
100
$ echo one \\
    two; exit 3
one two
```

```sh
$ charter check examples
```

<!-- console run-only -->
```sh
$ true
$ echo written > out.txt
```

<!-- console skip: needs a server -->
```console
$ charter serve
```
"""


def test_a_small_doc__runs_compares_and_updates(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    (tmp_path / "doc.md").write_text(DOC)
    blocks = read_blocks("doc.md", tmp_path)
    assert [(b.line, b.info, b.run_only, b.skip) for b in blocks] == [
        (6, "console", False, None),
        (15, "sh", False, None),
        (20, "sh", True, None),
        (26, "console", False, "needs a server"),
    ]
    assert blocks[0].env == {"COLUMNS": "100"}
    assert [c.line for c in blocks[0].commands] == [7, 10]
    assert check_marked(blocks) == [
        "doc.md:15: a ```sh block with `$ charter` commands is not run: "
        "make it ```console (with its outputs) or mark it <!-- console "
        "run-only --> or <!-- console skip: REASON -->"
    ]

    results = run_blocks([blocks[0], blocks[2]], tmp_path)
    assert [r.failures() for r in results] == [[], []]
    assert not (tmp_path / "out.txt").exists(), "a command wrote into the repository"

    (tmp_path / "doc.md").write_text(DOC.replace("x: 1\n100", "x: 2\n100"))
    changed = run_blocks(read_blocks("doc.md", tmp_path)[:1], tmp_path)
    (message,) = changed[0].failures()
    assert message.startswith('doc.md:7: the output of `$ cat /tmp/f.yaml; echo "$COLUMNS"`')
    assert "\n-x: 2\n+x: 1\n" in message
    assert update(changed, tmp_path) == ["doc.md"]
    assert (tmp_path / "doc.md").read_text() == DOC


def test_a_failing_setup_or_run_only_command_is_reported(tmp_path: Path) -> None:
    (tmp_path / "doc.md").write_text(
        "<!-- console\nfalse\n-->\n```console\n$ true\n```\n\n"
        "<!-- console run-only -->\n```sh\n$ echo boom; exit 4\n```\n"
    )
    results = run_blocks(read_blocks("doc.md", tmp_path), tmp_path)
    assert results[0].failures()[0].startswith("doc.md:4: setup failed (1)")
    assert results[1].failures() == ["doc.md:10: `$ echo boom; exit 4` exited 4:\nboom"]

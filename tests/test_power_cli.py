"""`charter power`: options, file input with located errors, JSON schema, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from charter.cli import app
from charter.cli.power_cmd import load_game_file

runner = CliRunner()
EEC = ["power", "--weights", "4,4,4,2,2,1", "--quota", "12", "--names", "FR,DE,IT,BE,NL,LU"]


def test_json_schema_and_values() -> None:
    result = runner.invoke(app, [*EEC, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["winning_coalitions"] == 14
    assert data["minimal_winning_coalitions"] == 4
    fr = data["players"][0]
    assert set(fr) == {
        "name",
        "weight",
        "swings",
        "banzhaf_absolute",
        "banzhaf_normalized",
        "shapley_shubik",
        "coleman_prevent",
        "coleman_initiate",
    }
    assert fr["name"] == "FR"
    assert fr["swings"] == 10
    assert fr["banzhaf_normalized"] == 5 / 21
    assert data["players"][5]["shapley_shubik"] == 0.0


def test_exact_adds_fraction_strings() -> None:
    result = runner.invoke(app, [*EEC, "--json", "--exact"])
    assert result.exit_code == 0, result.output
    fr = json.loads(result.stdout)["players"][0]
    assert fr["shapley_shubik_exact"] == "7/30"
    assert fr["banzhaf_normalized_exact"] == "5/21"


def test_float_mode_has_no_counts() -> None:
    result = runner.invoke(app, [*EEC, "--json", "--float"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["winning_coalitions"] is None
    assert data["players"][0]["swings"] is None
    assert abs(data["players"][0]["shapley_shubik"] - 7 / 30) < 1e-12


def test_text_output_lists_minimal_winning_coalitions() -> None:
    result = runner.invoke(app, [*EEC, "--exact"])
    assert result.exit_code == 0, result.output
    assert "7/30" in result.stdout
    assert "{FR, DE, IT}" in result.stdout
    assert "minimal winning coalitions: 4" in result.stdout


def test_file_input(tmp_path: Path) -> None:
    path = tmp_path / "eec.yaml"
    path.write_text(
        "title: EEC 1958\nquota: 12\nplayers:\n"
        + "".join(
            f"  - {{name: {n}, weight: {w}}}\n"
            for n, w in zip(["FR", "DE", "IT", "BE", "NL", "LU"], [4, 4, 4, 2, 2, 1], strict=True)
        )
    )
    from_file = runner.invoke(app, ["power", "--file", str(path), "--json"])
    from_options = runner.invoke(app, [*EEC, "--json"])
    assert from_file.exit_code == 0, from_file.output
    assert json.loads(from_file.stdout) == json.loads(from_options.stdout)


def test_file_errors_are_located(tmp_path: Path) -> None:
    text = "quota: 20\nplayers:\n  - {name: a, weight: 4}\n  - name: a\n    wieght: 2\n"
    _, errors = load_game_file("g.yaml", text)
    rendered = sorted(e.render() for e in errors)
    assert rendered[0].startswith("g.yaml:4:5: error: missing required key 'weight'")
    assert rendered[1].startswith("g.yaml:5:5: error: unknown key 'wieght'")
    assert "did you mean 'weight'?" in rendered[1]

    text = "quota: 20\nplayers:\n  - {name: a, weight: 4}\n  - name: a\n    weight: -2\n"
    _, errors = load_game_file("g.yaml", text)
    assert [e.render().splitlines()[0] for e in errors] == [
        "g.yaml:4:11: error: player 'a' appears twice",
        "g.yaml:5:13: error: weight of a is -2: weights must be >= 0",
        "g.yaml:1:8: error: quota 20 exceeds the total weight 2: no coalition can win",
    ]
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    result = runner.invoke(app, ["power", "--file", str(path)])
    assert result.exit_code == 1
    assert "error: player 'a' appears twice" in result.stderr


def test_usage_and_input_errors_exit_codes() -> None:
    result = runner.invoke(app, ["power", "--weights", "1,2", "--quota", "4"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: quota 4 exceeds the total weight 3")
    result = runner.invoke(app, ["power", "--weights", "1,x", "--quota", "2"])
    assert result.exit_code == 2
    assert "'x' is not a number" in result.output
    result = runner.invoke(app, ["power", "--weights", "1,2"])
    assert result.exit_code == 2
    assert "give --weights and --quota, or --file FILE" in result.stderr
    result = runner.invoke(app, [*EEC, "--exact", "--float"])
    assert result.exit_code == 2
    assert "--exact and --float exclude each other" in result.stderr
    result = runner.invoke(app, [*EEC, "--at", "2023-11-16"])
    assert result.exit_code == 2


def test_case_dir_is_answered_by_the_governance_core() -> None:
    case = Path(__file__).resolve().parent.parent / "examples" / "openai-2023"
    args = ["power", str(case), "--at", "2023-11-16", "--bylaws", "openai-2016-reported"]
    result = runner.invoke(app, [*args, "--without", "altman", "--without", "brockman"])
    assert result.exit_code == 0, result.output
    assert "without altman, brockman" in result.stdout


def test_case_dir__four_independents_can_remove_the_ceo_without_altman_and_brockman() -> None:
    case = Path(__file__).resolve().parent.parent / "examples" / "openai-2023"
    args = ["power", str(case), "--at", "2023-11-16", "--bylaws", "openai-2016-reported"]
    args += ["--act", "remove-officer", "--without", "altman", "--without", "brockman", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    (act,) = data["acts"]
    assert act["act"] == "remove-officer"
    assert act["subject"] == {"person": "altman", "office": "ceo"}
    assert act["can_pass_without"] is True
    assert act["coalitions_without"] == [["dangelo", "mccauley", "sutskever", "toner"]]
    assert act["smallest_coalition"] == 4
    assert len(act["minimal_winning_coalitions"]) == 15  # any 4 of the 6 directors


def test_case_dir__delaware_stock_board_cannot_remove_a_director() -> None:
    case = Path(__file__).resolve().parent.parent / "examples" / "openai-2023"
    args = ["power", str(case), "--at", "2023-11-16", "--bylaws", "delaware-stock"]
    result = runner.invoke(app, [*args, "--act", "remove-director", "--json"])
    assert result.exit_code == 0, result.output
    (act,) = json.loads(result.stdout)["acts"]
    assert act["board_can_act"] is False
    assert "the board has no power to remove a director" in act["blocked_by"]


def test_case_dir__without_someone_who_is_not_a_director_is_a_usage_error() -> None:
    case = Path(__file__).resolve().parent.parent / "examples" / "openai-2023"
    args = ["power", str(case), "--at", "2023-11-16", "--without", "murati"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "'murati' is not a director" in result.stderr


def test_check__a_weighted_game_file_is_recognised_and_located(tmp_path: Path) -> None:
    game = tmp_path / "game.yaml"
    game.write_text("quota: 12\nplayers:\n  - {name: FR, weight: 4}\n  - {name: DE, wieght: 4}\n")
    result = runner.invoke(app, ["check", str(game)])
    assert result.exit_code == 1
    assert f"{game}:4:16: error: unknown key 'wieght'\n    hint: did you mean 'weight'?" in (
        result.stderr
    )


def _game_500() -> tuple[str, str]:
    import random

    rng = random.Random(1)
    weights = [rng.randint(1, 100) for _ in range(500)]
    return ",".join(map(str, weights)), str(sum(weights) // 2 + 1)


def test_power_500_players__exact_beyond_the_bound_fails_at_once_as_documented() -> None:
    """issue 12: `--exact` at 500 players ran 33 s and took 4 GB although cli.md said it fails."""
    import subprocess
    import sys
    from pathlib import Path

    weights, quota = _game_500()
    charter = Path(sys.executable).with_name("charter")
    done = subprocess.run(
        [str(charter), "power", "--weights", weights, "--quota", quota, "--exact"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 1
    assert "over the bound of 1,024 MiB" in done.stderr
    assert done.stderr.rstrip().endswith("1 error found")


def test_power_500_players__the_default_answers_within_its_memory_bound() -> None:
    import subprocess
    import sys

    weights, quota = _game_500()
    # The command in a process of its own that reports its own peak memory as it ends.
    script = (
        "import resource, sys\n"
        "from charter.cli import main\n"
        "sys.argv = ['charter', 'power', '--weights', sys.argv[1], '--quota', sys.argv[2], "
        "'--json']\n"
        "try:\n    main()\nexcept SystemExit as end:\n    code = end.code\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, weights, quota],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    import json

    report = json.loads(done.stdout)
    shares = [p["shapley_shubik"] for p in report["players"]]
    assert abs(sum(shares) - 1) < 1e-9
    assert min(shares) >= 0
    peak_mib = int(done.stderr.strip().splitlines()[-1]) / 1024
    assert peak_mib < 1024  # the documented bound

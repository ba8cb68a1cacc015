"""Sweeps of valuations (charter.valuation.sweep): every grid point priced as the closed form
prices it, and on a real Dask cluster (distributed.LocalCluster, worker processes) the same
numbers bit for bit with one or two workers, and after a worker is killed mid-sweep."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from charter.valuation import Lognormal, closed_form
from charter.valuation.sweep import grid, sweep, write_rows
from charter.waterfall import compile_curves, load_waterfall

ROOT = Path(__file__).resolve().parent.parent
FILE = ROOT / "examples" / "openai-2023" / "waterfall.yaml"
TEXT = FILE.read_text(encoding="utf-8")
AXES = {"value": [1e10, 3e10], "vol": [0.3, 0.6, 0.9], "rate": [0.04], "horizon": [5.0, 10.0]}

distributed = pytest.importorskip("distributed")


def test_the_grid_is_every_combination_in_a_fixed_order() -> None:
    points = grid(AXES)
    assert len(points) == 2 * 3 * 1 * 2
    assert [p.index for p in points] == list(range(12))
    assert (points[0].value, points[0].vol, points[0].horizon) == (1e10, 0.3, 5.0)
    assert (points[-1].value, points[-1].vol, points[-1].horizon) == (3e10, 0.9, 10.0)
    with pytest.raises(ValueError, match="no input 'volatility'"):
        grid(AXES | {"volatility": [1.0]})
    with pytest.raises(ValueError, match="rate: give a value"):
        grid({k: v for k, v in AXES.items() if k != "rate"})


def test_each_point_is_the_closed_form_of_its_inputs() -> None:
    wf, _ = load_waterfall(FILE)
    assert wf is not None
    curves = compile_curves(wf)
    rows = sweep(TEXT, str(FILE), {}, grid(AXES))
    assert len(rows) == 12 * len(curves.parties)
    for point in grid(AXES):
        model = Lognormal(value=point.value, vol=point.vol, rate=point.rate, horizon=point.horizon)
        exact = {p.party: p.value for p in closed_form(curves, model).parties}
        mine = {r["party"]: r["party_value"] for r in rows if r["point"] == point.index}
        assert mine == exact


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=50,
    ) as local:
        yield local


def test_one_or_two_workers_give_the_same_numbers_bit_for_bit(
    cluster: object, tmp_path: Path
) -> None:
    points = grid(AXES)
    here = sweep(TEXT, str(FILE), {}, points, paths=20_000, seed=5)
    with distributed.Client(cluster) as client:
        two = sweep(TEXT, str(FILE), {}, points, paths=20_000, seed=5, client=client)
        client.cluster.scale(1)  # type: ignore[attr-defined]
        client.wait_for_workers(1)
        one = sweep(TEXT, str(FILE), {}, points, paths=20_000, seed=5, client=client)
        client.cluster.scale(2)  # type: ignore[attr-defined]
        client.wait_for_workers(2)
    assert here == two == one
    assert all(r["stderr"] > 0 for r in here if r["party_value"] > 0)
    out = tmp_path / "sweep.parquet"
    write_rows(here, str(out))
    import pyarrow.parquet as pq

    assert pq.read_table(out).to_pylist() == here


def test_a_worker_killed_mid_sweep_changes_nothing(cluster: object) -> None:
    points = grid(AXES | {"rate": [0.02, 0.04, 0.06]})
    here = sweep(TEXT, str(FILE), {}, points, paths=40_000, seed=9)
    with distributed.Client(cluster) as client:
        client.wait_for_workers(2)
        pids = client.run(os.getpid)
        victim = sorted(pids.values())[0]
        killed = threading.Event()

        def kill_once(done: int) -> None:
            if done >= 2 and not killed.is_set():
                os.kill(victim, signal.SIGKILL)
                killed.set()

        there = sweep(
            TEXT, str(FILE), {}, points, paths=40_000, seed=9, client=client, progress=kill_once
        )
    assert killed.is_set()
    assert there == here

"""A sweep of valuations over a grid of inputs, fanned out on Dask when it outgrows a process.

Why each task is a pure function of (the waterfall's text, the overrides, one grid point, the
paths and the seed): a point's simulation draws from its own seed stream (the sweep's seed and
the point's index, ``numpy.random.SeedSequence``), so the result is the same bit for bit
whichever worker runs it, in whatever order, however many workers there are, and a task lost
with its worker is simply run again.  Dask appears only here, in the shell that fans the points
out (DESIGN.md, "Valuation"); the pricing functions know nothing of it.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from charter.valuation.lognormal import Lognormal, closed_form, monte_carlo
from charter.waterfall.curves import Curves

AXES = ("value", "vol", "rate", "horizon")


@dataclass(frozen=True, slots=True)
class Point:
    index: int
    value: float
    vol: float
    rate: float
    horizon: float


def grid(axes: Mapping[str, Sequence[float]]) -> list[Point]:
    """Every combination of the axes' values (each of :data:`AXES` given one value or many),
    numbered in a fixed order: the numbering is what each point's seed stream derives from."""
    unknown = set(axes) - set(AXES)
    if unknown:
        raise ValueError(f"no input {sorted(unknown)[0]!r} to sweep (inputs: {', '.join(AXES)})")
    missing = [a for a in AXES if not axes.get(a)]
    if missing:
        raise ValueError(f"{missing[0]}: give a value or a range to sweep")
    return [
        Point(i, *combo)
        for i, combo in enumerate(itertools.product(*(list(axes[a]) for a in AXES)))
    ]


@functools.lru_cache(maxsize=8)
def _curves(text: str, label: str, overrides: tuple[tuple[str, str], ...]) -> Curves:
    """The compiled curves of a waterfall text: compiled once per worker process."""
    from charter.waterfall import compile_curves
    from charter.waterfall.load import load_waterfall

    wf, errors = load_waterfall(label, dict(overrides), text=text)
    if wf is None:
        raise ValueError("; ".join(d.render() for d in errors))
    return compile_curves(wf)


def value_point(
    text: str,
    label: str,
    overrides: tuple[tuple[str, str], ...],
    point: Point,
    paths: int,
    seed: int,
) -> list[dict[str, Any]]:
    """One grid point: each party's exact value (and, with ``paths``, its simulated value and
    standard error, from the point's own seed stream)."""
    curves = _curves(text, label, overrides)
    model = Lognormal(value=point.value, vol=point.vol, rate=point.rate, horizon=point.horizon)
    exact = closed_form(curves, model)
    simulated = None
    if paths:
        stream = np.random.SeedSequence([seed, point.index]).generate_state(1)[0]
        simulated = {
            p.party: p for p in monte_carlo(curves, model, paths=paths, seed=int(stream)).parties
        }
    rows = []
    for p in exact.parties:
        row: dict[str, Any] = {
            "point": point.index,
            "value": point.value,
            "vol": point.vol,
            "rate": point.rate,
            "horizon": point.horizon,
            "party": p.party,
            "party_value": p.value,
            "share": p.share,
            "delta": p.delta,
            "vega": p.vega,
        }
        if simulated is not None:
            row["simulated_value"] = simulated[p.party].value
            row["stderr"] = simulated[p.party].stderr
        rows.append(row)
    return rows


def sweep(
    text: str,
    label: str,
    overrides: Mapping[str, str],
    points: Sequence[Point],
    *,
    paths: int = 0,
    seed: int = 0,
    client: Any = None,
    progress: Callable[[int], None] | None = None,
) -> list[dict[str, Any]]:
    """Every point's rows, in point order: computed here, or on the Dask ``client``'s cluster
    (one task a point; the order of the answer is the points', whatever the order of work)."""
    frozen = tuple(sorted(overrides.items()))
    if client is None:
        out: list[dict[str, Any]] = []
        for k, point in enumerate(points, 1):
            out += value_point(text, label, frozen, point, paths, seed)
            if progress is not None:
                progress(k)
        return out
    from distributed import as_completed

    futures = [
        client.submit(value_point, text, label, frozen, point, paths, seed, pure=True)
        for point in points
    ]
    results: dict[int, list[dict[str, Any]]] = {}
    index = {f.key: i for i, f in enumerate(futures)}
    for done, future in enumerate(as_completed(futures), 1):  # type: ignore[no-untyped-call]
        results[index[future.key]] = future.result()
        if progress is not None:
            progress(done)
    return [row for i in range(len(points)) for row in results[i]]


def write_rows(rows: Iterable[dict[str, Any]], path: str) -> None:
    """The rows as Parquet (``.parquet``, via pyarrow) or CSV (anything else)."""
    import pyarrow as pa  # type: ignore[import-untyped]

    table = pa.Table.from_pylist(list(rows))
    if path.endswith(".parquet"):
        import pyarrow.parquet as pq  # type: ignore[import-untyped]

        pq.write_table(table, path)
    else:
        import pyarrow.csv as pacsv  # type: ignore[import-untyped]

        pacsv.write_csv(table, path)


def local_cluster(workers: int) -> Any:
    """A Dask ``LocalCluster`` of ``workers`` single-threaded worker processes on loopback, no
    dashboard and only errors logged: the shape every local sweep runs on (the command, the
    benchmark).  A context manager; Dask is imported only here, when a sweep fans out."""
    import distributed

    return distributed.LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=workers,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=40,
    )

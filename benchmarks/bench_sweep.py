"""A valuation sweep of 10^9 simulated paths on a local Dask cluster (issue 14, "Scaling").

The bundled OpenAI waterfall; a grid of 100 points (value x volatility), each valued by Monte
Carlo on 10^7 paths (10^9 path evaluations in all), on a `distributed.LocalCluster` of worker
processes. Reported: the throughput with 1 and 2 workers (this machine has 2 cores), and each
worker's peak memory for sweeps 10x apart (10^8 and 10^9 paths): bounded by the simulation's
chunk, not by the sweep's size. Every run's rows are compared with the first's: they are the
same bit for bit whatever the number of workers.

    python benchmarks/run.py sweep
"""

from __future__ import annotations

import resource
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILE = ROOT / "examples" / "openai-2023" / "waterfall.yaml"


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run(workers: int, paths: int) -> tuple[float, float, list[dict[str, object]]]:
    import distributed

    from charter.valuation.sweep import grid, local_cluster, sweep

    points = grid(
        {
            "value": [1e10 * k for k in range(1, 11)],
            "vol": [0.2 + 0.1 * k for k in range(10)],
            "rate": [0.04],
            "horizon": [10.0],
        }
    )
    text = FILE.read_text(encoding="utf-8")
    with (
        local_cluster(workers) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.wait_for_workers(workers)
        began = time.perf_counter()
        rows = sweep(text, str(FILE), {}, points, paths=paths, seed=1, client=client)
        took = time.perf_counter() - began
        peak = max(client.run(_peak_mib).values())
    return len(points) * paths / took, peak, rows


def run() -> str:
    small = 1_000_000  # 10^8 path evaluations over the grid
    large = 10_000_000  # 10^9
    rate_1, peak_1, rows_1 = _run(1, large)
    rate_2, peak_2, rows_2 = _run(2, large)
    _, peak_small, _ = _run(2, small)
    same = rows_1 == rows_2
    return f"""## A valuation sweep on Dask (`python benchmarks/run.py sweep`)

100 grid points (value x volatility) on the bundled OpenAI waterfall, each by Monte Carlo; a
`distributed.LocalCluster` of worker processes on this 2-core machine, in the same run.

| workers | path evaluations | throughput | peak memory of a worker |
|---|---|---|---|
| 1 | 10^9 | {rate_1 / 1e6:,.0f} M paths/s | {peak_1:,.0f} MiB |
| 2 | 10^9 | {rate_2 / 1e6:,.0f} M paths/s ({rate_2 / rate_1:.2f}x) | {peak_2:,.0f} MiB |
| 2 | 10^8 | | {peak_small:,.0f} MiB |

A worker's memory is the same for sweeps 10x apart: the simulation holds one chunk of paths at
a time, whatever the number of paths or points. The rows with 1 and 2 workers are
{"identical bit for bit" if same else "NOT identical (a bug)"}. A worker values fewer paths a
second than one process alone does (`python benchmarks/run.py value`): on 2 cores it shares them
with the scheduler, its nanny and its own event loop.
"""

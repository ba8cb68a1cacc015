"""Running sums for a Monte Carlo mean with a control variate, shared by the terminal and the
path models: one pass over the chunks, memory independent of the number of paths.

The sums are numpy's own pairwise sums of each chunk, not BLAS dot products: a BLAS spreads a
dot product over threads whose number differs from process to process (a Dask worker runs one),
and the order of the additions would change the last digits of a seeded result."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


class ControlledMeans:
    """The means of ``n`` outputs ``y`` over samples, each adjusted by the regression on a
    control ``x`` whose true mean is known (the optimal coefficient, estimated from the same
    samples), with the standard error of the adjusted mean."""

    def __init__(self, n: int) -> None:
        self.count = 0
        self.sx = 0.0
        self.sxx = 0.0
        self.sy = np.zeros(n)
        self.syy = np.zeros(n)
        self.sxy = np.zeros(n)

    def add(self, x: FloatArray, ys: FloatArray | list[FloatArray]) -> None:
        """One chunk: ``x`` of shape (m,), ``ys`` of shape (n, m) (or n arrays of m)."""
        self.count += len(x)
        self.sx += float(x.sum())
        self.sxx += float((x * x).sum())
        for j, y in enumerate(ys):
            self.sy[j] += float(y.sum())
            self.syy[j] += float((y * y).sum())
            self.sxy[j] += float((x * y).sum())

    def finish(self, known: float, scale: float = 1.0) -> tuple[list[float], list[float]]:
        """Each output's adjusted mean and its standard error, times ``scale``."""
        samples = self.count
        mean_x = self.sx / samples
        var_x = self.sxx / samples - mean_x * mean_x
        values, stderrs = [], []
        for j in range(len(self.sy)):
            mean_y = self.sy[j] / samples
            cov = self.sxy[j] / samples - mean_x * mean_y
            var_y = self.syy[j] / samples - mean_y * mean_y
            beta = cov / var_x if var_x > 0 else 0.0
            adjusted = mean_y - beta * (mean_x - known)
            residual = max(var_y - beta * cov, 0.0)
            values.append(float(scale * adjusted))
            stderrs.append(float(scale * math.sqrt(residual / samples)))
        return values, stderrs

"""Exact big counts with machine integers: arithmetic modulo several primes, then the CRT.

Coalition counts reach 2^n, past int64 beyond ~62 players, and Python ints in a loop are slow.
Every count is instead kept modulo k primes just below 2^31 in one int64 numpy array of shape
``(k, ...)``: an addition of two residues is one vectorised add, and because a value only ever
doubles per dynamic-programming step, reductions can be deferred for 31 steps without leaving
int64.  The Chinese remainder theorem rebuilds the few exact values the caller needs as Python
ints (exact for any value below the product of the primes, which is chosen above 2^(n+1)).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt

Residues = npt.NDArray[np.int64]

#: A value below 2^31 may double this many times before it must be reduced (2^31 * 2^31 < 2^63).
DOUBLINGS_BEFORE_REDUCE = 31


def _is_prime(n: int) -> bool:
    """Deterministic Miller-Rabin for n < 3.4e14 (bases 2, 3, 5, 7, 11, 13, 17)."""
    if n < 2:
        return False
    for p in (2, 3, 5, 7, 11, 13, 17):
        if n % p == 0:
            return n == p
    d, r = n - 1, 0
    while d % 2 == 0:
        d //= 2
        r += 1
    for a in (2, 3, 5, 7, 11, 13, 17):
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


@lru_cache(maxsize=1)
def _prime_pool() -> tuple[int, ...]:
    """The first few hundred primes below 2^31, largest first (enough for ~9000 players)."""
    primes: list[int] = []
    candidate = (1 << 31) - 1
    while len(primes) < 300:
        if _is_prime(candidate):
            primes.append(candidate)
        candidate -= 2
    return tuple(primes)


def primes_for_bits(bits: int) -> tuple[int, ...]:
    """Enough primes that their product exceeds 2^bits, so values below 2^bits are recovered."""
    pool = _prime_pool()
    chosen: list[int] = []
    product = 1
    for p in pool:
        chosen.append(p)
        product *= p
        if product.bit_length() > bits + 1:
            return tuple(chosen)
    raise ValueError(f"counts of {bits} bits need more than {len(pool)} primes")


def modulus_column(primes: Sequence[int], ndim: int) -> Residues:
    """The primes shaped to broadcast against a ``(k, ...)`` residue array of ``ndim`` dims."""
    return np.asarray(primes, dtype=np.int64).reshape((len(primes),) + (1,) * (ndim - 1))


@lru_cache(maxsize=64)
def _crt_basis(primes: tuple[int, ...]) -> tuple[int, tuple[int, ...]]:
    modulus = 1
    for p in primes:
        modulus *= p
    basis = []
    for p in primes:
        m = modulus // p
        basis.append(m * pow(m, -1, p) % modulus)
    return modulus, tuple(basis)


def reconstruct(residues: Residues, primes: tuple[int, ...]) -> list[int]:
    """The exact non-negative integers whose residues are ``residues[:, j]`` (shape ``(k, m)``)."""
    modulus, basis = _crt_basis(primes)
    reduced = np.remainder(residues, modulus_column(primes, residues.ndim))
    columns = reduced.reshape(len(primes), -1).tolist()
    out = []
    for values in zip(*columns, strict=True):
        total = 0
        for b, v in zip(basis, values, strict=True):
            total += b * v
        out.append(total % modulus)
    return out

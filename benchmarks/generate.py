"""Seeded generator of synthetic ranked ballots, written as a ranked-ballot CSV.

The model (deterministic for a given seed):

* candidate popularity ``w ~ Dirichlet(2, ..., 2)``;
* each voter's full order is a Plackett-Luce draw (Gumbel-max trick:
  sort ``log w + Gumbel noise``), so preferences are correlated across voters
  the way real electorates' are;
* the voter ranks only the first ``k`` of that order, truncated as real voters
  do: 30 % "bullet" one preference, the rest ``1 + Geometric(0.35)``, capped at
  the number of candidates. The mean length is about 2.6 for 10 candidates,
  close to what Scottish council and US RCV voters mark.

The file has one row per paper: ``rank1,...,rankN`` with candidate names
``C01``..``CNN`` and blank cells after the last preference. It is written in
blocks of 10**6 papers with pyarrow's CSV writer, so memory stays bounded even
for 10**7 papers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

BLOCK = 1_000_000
BULLET_SHARE = 0.30
GEOMETRIC_P = 0.35


def candidate_names(n_candidates: int) -> list[str]:
    """``C01``, ``C02``, ...: fixed names so every tool sees the same strings."""
    return [f"C{i + 1:02d}" for i in range(n_candidates)]


def _block(rng: np.random.Generator, log_w: np.ndarray, n: int) -> np.ndarray:
    """``n`` truncated rankings as an int array (-1 = no preference)."""
    n_c = log_w.size
    keys = log_w[None, :] + rng.gumbel(size=(n, n_c))
    order = np.argsort(-keys, axis=1).astype(np.int32)
    lengths = 1 + rng.geometric(GEOMETRIC_P, size=n)
    lengths[rng.random(n) < BULLET_SHARE] = 1
    np.minimum(lengths, n_c, out=lengths)
    order[np.arange(n_c)[None, :] >= lengths[:, None]] = -1
    return order


def generate(path: Path, n_ballots: int, n_candidates: int, seed: int) -> Path:
    """Write ``n_ballots`` synthetic papers over ``n_candidates`` to ``path`` (CSV)."""
    rng = np.random.default_rng(seed)
    log_w = np.log(rng.dirichlet(np.full(n_candidates, 2.0)))
    names = candidate_names(n_candidates)
    dictionary = pa.array(names + [""], type=pa.string())
    fields = [pa.field(f"rank{j + 1}", pa.string()) for j in range(n_candidates)]
    schema = pa.schema(fields)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    options = pacsv.WriteOptions(include_header=False, quoting_style="none")
    with open(tmp, "wb") as out:
        out.write((",".join(f.name for f in fields) + "\n").encode())
        done = 0
        while done < n_ballots:
            n = min(BLOCK, n_ballots - done)
            ranks = _block(rng, log_w, n)
            ranks[ranks < 0] = n_candidates
            columns = [
                pa.DictionaryArray.from_arrays(pa.array(ranks[:, j]), dictionary).cast(pa.string())
                for j in range(n_candidates)
            ]
            pacsv.write_csv(
                pa.Table.from_arrays(columns, schema=schema), out, write_options=options
            )
            done += n
    tmp.replace(path)
    return path


def synthetic_path(root: Path, n_ballots: int, n_candidates: int, seed: int) -> Path:
    """Where the file for these parameters lives (generated once, then reused)."""
    return root / f"synthetic_{n_candidates}c_{n_ballots}b_seed{seed}.csv"


def ensure(root: Path, n_ballots: int, n_candidates: int, seed: int) -> Path:
    """The synthetic file for these parameters, generating it if missing."""
    path = synthetic_path(root, n_ballots, n_candidates, seed)
    if not path.exists():
        generate(path, n_ballots, n_candidates, seed)
    return path

"""Time opinion groups on a large synthetic conversation (target: under 1 s).

    python bench/opinion_groups.py [--participants 2000] [--statements 500]
                                   [--groups 3] [--repeat 5] [--seed 0]

Synthetic data with planted groups: each planted group has its own agreement
probability per statement (drawn from a Beta(0.7, 0.7), so many statements split the
groups and some are shared), each participant votes on a random 30-60 % of the
statements and passes 10 % of the time. The bench times, best and median of
``--repeat`` runs:

* ``compute_opinion_groups`` from (participant, statement, value) triples (the full
  path the application uses, building the matrix included), and
* ``opinion_groups_from_matrix`` on the ready matrix (the maths alone),

and checks that the planted groups are found (adjusted Rand index against them). The
wall time includes whatever else the machine is doing; the CPU time is this process's.
"""
import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from deliberation.opinion_groups import (
    adjusted_rand_index,
    compute_opinion_groups,
    opinion_groups_from_matrix,
    vote_matrix,
)


def synthetic_votes(n_participants, n_statements, n_groups, seed):
    rng = np.random.default_rng(seed)
    planted = rng.integers(n_groups, size=n_participants)
    p_agree = rng.beta(0.7, 0.7, size=(n_groups, n_statements))
    coverage = rng.uniform(0.3, 0.6, size=n_participants)
    voted = rng.random((n_participants, n_statements)) < coverage[:, None]
    agrees = rng.random((n_participants, n_statements)) < p_agree[planted]
    passes = rng.random((n_participants, n_statements)) < 0.1
    values = np.where(passes, 0, np.where(agrees, 1, -1))
    rows, cols = np.nonzero(voted)
    triples = list(zip(rows.tolist(), cols.tolist(), values[rows, cols].tolist()))
    return triples, planted


def timed(function, repeat):
    """(result, wall times, CPU times of this process, BLAS threads included)."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return result, walls, cpus


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--statements", type=int, default=500)
    parser.add_argument("--groups", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    triples, planted = synthetic_votes(args.participants, args.statements, args.groups, args.seed)
    density = len(triples) / (args.participants * args.statements)
    print(f"{args.participants} participants x {args.statements} statements, "
          f"{len(triples)} votes ({density:.0%} of cells), {args.groups} planted groups")
    print(f"Python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")

    result, full, full_cpu = timed(lambda: compute_opinion_groups(triples), args.repeat)
    matrix, participant_ids, statement_ids = vote_matrix(triples)
    _, maths, maths_cpu = timed(
        lambda: opinion_groups_from_matrix(matrix, participant_ids, statement_ids), args.repeat)

    found = result.group_of()
    ari = adjusted_rand_index([found[p] for p in range(args.participants)], planted)
    print(f"groups found: {len(result.groups)} (sizes {[len(g.members) for g in result.groups]}), "
          f"ARI against the planted groups {ari:.3f}, consensus {result.consensus}")
    for name, walls, cpus in (("from triples", full, full_cpu), ("from matrix ", maths, maths_cpu)):
        print(f"{name}: wall best {min(walls):.3f} s, median {statistics.median(walls):.3f} s; "
              f"CPU best {min(cpus):.3f} s, median {statistics.median(cpus):.3f} s")
    ok = statistics.median(full) < 1.0
    print("target (median under 1 s from triples):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

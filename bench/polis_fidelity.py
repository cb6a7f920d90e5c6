"""How close our opinion groups come to Pol.is's own, and to red-dwarf's.

    python bench/polis_fidelity.py [--data /work/shared/data/polis] [--seeds 10]

For each Pol.is export folder under ``--data`` (``comments.csv``, ``votes.csv`` and
``participants-votes.csv``, whose ``group-id`` column is Pol.is's assignment), the
adjusted Rand index (ARI) of

* our groups (``deliberation.opinion_groups``, seeds 0 .. seeds-1: median, min, max),
* red-dwarf's (polis-community's Python reproduction of Pol.is, ``pip install red-dwarf``;
  a bench-only tool, never a dependency of the application: skipped with a note when it
  is not installed),

against Pol.is's groups, on the participants both place in a group; the number of groups,
how many of the people Pol.is grouped are left out, and the time per computation.
Pol.is's exported groups are a snapshot of a computation that ran as votes came in (its
k smoothing, base clusters seeded from the previous update): no method reproduces them
exactly from the final votes, so an ARI of 1 is not the goal; the figures say how far.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from deliberation.opinion_groups import adjusted_rand_index, compute_opinion_groups  # noqa: E402
from deliberation.polis_format import read_export, read_participant_groups  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "polis"


def agreement(ours: dict, polis: dict) -> tuple[float, int, int]:
    """(ARI on the people both grouped, how many both grouped, Pol.is's grouped left out)."""
    grouped = {p: g for p, g in polis.items() if g is not None}
    both = [p for p in ours if p in grouped]
    ari = adjusted_rand_index([ours[p] for p in both], [grouped[p] for p in both])
    return ari, len(both), len(set(grouped) - set(ours))


def ours(export, seed):
    start = time.perf_counter()
    result = compute_opinion_groups(export.vote_triples(), export.excluded_comments(),
                                    export.meta_comments(), seed=seed)
    return result.group_of(), len(result.groups), time.perf_counter() - start


def red_dwarf(export, seed):
    from reddwarf.implementations.polis import run_pipeline

    votes = [{"participant_id": int(v.participant_id), "statement_id": int(v.comment_id),
              "vote": v.value, "modified": v.timestamp} for v in export.votes]
    start = time.perf_counter()
    result = run_pipeline(votes=votes, random_state=seed,
                          mod_out_statement_ids=sorted(int(c) for c in export.excluded_comments()),
                          meta_statement_ids=sorted(int(c) for c in export.meta_comments()))
    elapsed = time.perf_counter() - start
    labels = result.participants_df["cluster_id"].dropna()
    groups = {str(p): int(g) for p, g in labels.items()}
    return groups, len(set(groups.values())), elapsed


def summarise(name, runs, polis):
    aris, sizes, times, left_out = [], [], [], []
    for groups, k, elapsed in runs:
        ari, _, missing = agreement(groups, polis)
        aris.append(ari)
        sizes.append(k)
        times.append(elapsed)
        left_out.append(missing)
    print(f"  {name:10s} ARI median {statistics.median(aris):.3f} (min {min(aris):.3f}, "
          f"max {max(aris):.3f}); groups {sorted(set(sizes))}; Pol.is's grouped left out "
          f"{sorted(set(left_out))}; {statistics.median(times):.2f} s per run")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args(argv)
    folders = sorted(p for p in args.data.iterdir() if (p / "participants-votes.csv").exists()) \
        if args.data.is_dir() else []
    if not folders:
        print(f"no Pol.is export with participants-votes.csv under {args.data}")
        return 1
    try:
        import reddwarf  # noqa: F401
        have_red_dwarf = True
    except ImportError:
        have_red_dwarf = False
        print("red-dwarf is not installed (pip install red-dwarf): its column is skipped")
    for folder in folders:
        export = read_export(folder)
        polis = read_participant_groups(folder)
        k_polis = len({g for g in polis.values() if g is not None})
        n_polis = sum(g is not None for g in polis.values())
        print(f"{folder.name}: Pol.is has {k_polis} groups, {n_polis} people grouped, "
              f"{len(export.meta_comments())} meta comments")
        summarise("ours", [ours(export, seed) for seed in range(args.seeds)], polis)
        if have_red_dwarf:
            summarise("red-dwarf", [red_dwarf(export, seed) for seed in range(args.seeds)], polis)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How close our opinion groups come to Pol.is's own, and to red-dwarf's.

    python bench/polis_fidelity.py [--data /work/shared/data/polis] [--seeds 10] [--replay 20]
                                   [--extra FOLDER ...]

Conversations: every Pol.is export folder under ``--data`` (the shared conversations)
and, reported separately as conversations neither method was tuned on, those under
``bench/fixtures/polis/`` (real Pol.is conversations: one from red-dwarf's test fixtures,
two from compdemocracy/openData; see each folder's README for source and licence) and
any folder given with ``--extra`` (an openData conversation folder, or a folder of
them, kept outside the repository). A folder needs
``participants-votes.csv`` (Pol.is's ``group-id``, the reference) and ``comments.csv``
(moderation); the votes come from ``votes.csv``, or when it is absent from the final
votes in ``participants-votes.csv``.

For each conversation, the adjusted Rand index (ARI, on the people both place in a group)
of

* ours (``deliberation.opinion_groups``) against Pol.is, seeds 0 .. seeds-1: median,
  min, max;
* red-dwarf (polis-community's Python reproduction of Pol.is, ``pip install red-dwarf``;
  bench only, never a dependency of the application; skipped when not installed)
  against Pol.is;
* ours against red-dwarf (same seed);
* with ``--replay N`` (and a ``votes.csv``), ours replayed as Pol.is computes: N updates
  at evenly spaced points of the vote history, the k smoother's state carried from one
  to the next, the last update's groups compared (3 seeds);

the number of groups, how many of the people Pol.is grouped each leaves out, and the time
per computation. Last, the time of one computation on a synthetic 2,000 participants x
500 statements (``bench/opinion_groups.py``'s generator; target under 1 s).

Pol.is's exported groups are a snapshot of a computation that ran as votes came in (k
smoothing, base clusters seeded from the previous update): nothing reproduces them
exactly from the final votes, so an ARI of 1 is not the goal; the figures say how far.
"""
import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from deliberation.opinion_groups import adjusted_rand_index, compute_opinion_groups
from deliberation.polis_format import (
    PolisExport,
    PolisVote,
    read_comments,
    read_export,
    read_participant_groups,
)

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "polis"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "polis"
NOT_A_COMMENT = {"participant", "xid", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"}


def load(folder: Path) -> PolisExport:
    """The export, votes from votes.csv or else from participants-votes.csv's final votes."""
    if (folder / "votes.csv").exists():
        return read_export(folder)
    votes = []
    with open(folder / "participants-votes.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for comment, value in row.items():
                if comment not in NOT_A_COMMENT and comment is not None and value not in ("", None):
                    votes.append(PolisVote(row["participant"], comment, int(value), 0))
    return PolisExport(comments=read_comments(folder / "comments.csv"), votes=votes)


def agreement(ours: dict, reference: dict) -> tuple[float, int]:
    """(ARI on the people both grouped, how many the reference grouped that ours did not)."""
    grouped = {p: g for p, g in reference.items() if g is not None}
    both = [p for p in ours if p in grouped]
    ari = adjusted_rand_index([ours[p] for p in both], [grouped[p] for p in both])
    return ari, len(set(grouped) - set(ours))


def ours(export, seed):
    start = time.perf_counter()
    result = compute_opinion_groups(export.vote_triples(), export.excluded_comments(),
                                    export.meta_comments(), seed=seed)
    return result.group_of(), len(result.groups), time.perf_counter() - start


def ours_replayed(export, seed, updates):
    """Pol.is's running computation: updates as the votes came in, k state carried over."""
    triples = export.vote_triples()  # chronological
    state, result, start = None, None, time.perf_counter()
    for u in range(1, updates + 1):
        cut = round(len(triples) * u / updates)
        try:
            result = compute_opinion_groups(triples[:cut], export.excluded_comments(),
                                            export.meta_comments(), seed=seed, k_state=state)
        except ValueError:
            continue
        state = result.k_state
    return result.group_of(), len(result.groups), (time.perf_counter() - start) / updates


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


def spread(values):
    return f"{statistics.median(values):.3f} ({min(values):.3f}-{max(values):.3f})"


def summarise(name, runs, polis, rows):
    aris, left_out = zip(*(agreement(groups, polis) for groups, _, _ in runs))
    sizes = sorted({k for _, k, _ in runs})
    seconds = statistics.median(t for _, _, t in runs)
    print(f"  {name:18s} vs Pol.is ARI {spread(aris)}; groups {sizes}; Pol.is's grouped left out "
          f"{sorted(set(left_out))}; {seconds:.2f} s per computation")
    rows[name] = (spread(aris), sizes)


def conversation(folder, args, have_red_dwarf):
    export = load(folder)
    polis = read_participant_groups(folder)
    k_polis = len({g for g in polis.values() if g is not None})
    n_polis = sum(g is not None for g in polis.values())
    print(f"{folder.name}: Pol.is has {k_polis} groups, {n_polis} people grouped; "
          f"{len({v.participant_id for v in export.votes})} voters, {len(export.votes)} votes, "
          f"{len(export.excluded_comments())} comments moderated out, "
          f"{len(export.meta_comments())} meta")
    rows = {}
    mine = [ours(export, seed) for seed in range(args.seeds)]
    summarise("ours", mine, polis, rows)
    if args.replay and (folder / "votes.csv").exists():
        summarise(f"ours, {args.replay} updates",
                  [ours_replayed(export, seed, args.replay) for seed in range(min(3, args.seeds))],
                  polis, rows)
    if have_red_dwarf:
        theirs = [red_dwarf(export, seed) for seed in range(args.seeds)]
        summarise("red-dwarf", theirs, polis, rows)
        between = [agreement(a[0], b[0])[0] for a, b in zip(mine, theirs)]
        print(f"  {'ours vs red-dwarf':18s} ARI {spread(between)}")
        rows["ours vs red-dwarf"] = (spread(between), None)
    return rows


def synthetic_time(repeat=3):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from opinion_groups import synthetic_votes

    triples, _ = synthetic_votes(2000, 500, 3, 0)
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        compute_opinion_groups(triples)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    print(f"synthetic 2,000 x 500 ({len(triples)} votes), from triples: wall median "
          f"{statistics.median(walls):.2f} s (best {min(walls):.2f}), CPU median "
          f"{statistics.median(cpus):.2f} s; target under 1 s: "
          f"{'met' if statistics.median(walls) < 1 else 'NOT met (see CPU: the machine is shared)'}")


def folders_in(path: Path):
    return sorted(p for p in path.iterdir() if (p / "participants-votes.csv").exists()) \
        if path.is_dir() else []


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--replay", type=int, default=20,
                        help="updates to replay with k smoothing (0: none)")
    parser.add_argument("--no-timing", action="store_true")
    parser.add_argument("--extra", type=Path, action="append", default=[],
                        help="another conversation folder (or a folder of them) neither was tuned on")
    args = parser.parse_args(argv)
    try:
        import reddwarf  # noqa: F401
        have_red_dwarf = True
    except ImportError:
        have_red_dwarf = False
        print("red-dwarf is not installed (pip install red-dwarf): its columns are skipped")
    table = []
    for title, paths in (("Shared conversations", [args.data]),
                         ("Conversations neither was tuned on", [FIXTURES, *args.extra])):
        folders = [f for path in paths for f in ([path] if (path / "participants-votes.csv").exists()
                                                  else folders_in(path))]
        print(f"== {title}: {len(folders)} under {', '.join(map(str, paths))}")
        for folder in folders:
            table.append((title, folder.name, conversation(folder, args, have_red_dwarf)))
    print("== Summary: ARI against Pol.is's groups (median over seeds), groups found")
    for title, name, rows in table:
        ours_ari, ours_k = rows["ours"]
        theirs = rows.get("red-dwarf")
        print(f"  {name:40s} ours {ours_ari} {ours_k}"
              + (f"; red-dwarf {theirs[0]} {theirs[1]}" if theirs else "")
              + ("" if title.startswith("Shared") else "  (not tuned on)"))
    if not args.no_timing:
        synthetic_time()
    return 0


if __name__ == "__main__":
    sys.exit(main())

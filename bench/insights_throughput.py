"""Contributions analysed per second by the insights pipeline, on one core, and peak memory.

    python bench/insights_throughput.py [--target 20000] [--repeat 3] [--json PATH]

Corpora (read from ../shared/data; a corpus whose file is absent is skipped with a note):

- dev: the texts of shared/data/discourse/dev.jsonl (resident contributions, ~110
  characters on average) repeated to about `--target` texts;
- dev-x3: the same texts glued three by three (~330 characters, the typical length of a
  free-text answer of 200-400 characters), repeated to about `--target` texts;
- crowdsource: the 787 real citizen contributions of
  shared/data/french_text/crowdsource_resultat_analyses.csv (~350 characters, up to 3,000),
  repeated to about `--target` texts.

For each corpus: one warm-up pass over the first 500 texts, then `--repeat` timed passes
in this single process (one core: the pipeline is pure Python, no threads), reporting the
best and median texts/s and the mean characters per text. Peak memory is measured twice:
the process's peak RSS (resource.getrusage, includes the interpreter, NLTK and the
lexicons) and the peak of Python allocations during one pass (tracemalloc, run apart
because tracing slows the pass down). Target: >= 3,000 contributions/s.
"""
import argparse
import csv
import json
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"
DEV = SHARED / "discourse" / "dev.jsonl"
CROWD = SHARED / "french_text" / "crowdsource_resultat_analyses.csv"
TARGET_RATE = 3000


def load_dev():
    with open(DEV, encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh if line.strip()]


def load_crowd():
    with open(CROWD, encoding="utf-8", newline="") as fh:
        return [row["text"] or "" for row in csv.DictReader(fh)]


def repeat_to(texts, target):
    k = max(1, round(target / len(texts)))
    return texts * k


def peak_rss_mib():
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--target", type=int, default=20000, help="texts per corpus (default 20000)")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes per corpus (default 3)")
    ap.add_argument("--json", help="also write the results to this JSON file")
    args = ap.parse_args(argv)

    try:  # pin to one core when the OS allows it, so the figure is a one-core figure
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    except (AttributeError, OSError):
        pass

    rss_start = peak_rss_mib()
    t0 = time.perf_counter()
    from insights.pipeline import Analyzer

    analyzer = Analyzer()
    analyzer.analyze("La CAF répond jamais.")
    startup = time.perf_counter() - t0
    rss_loaded = peak_rss_mib()

    corpora = {}
    if DEV.exists():
        dev = load_dev()
        corpora["dev"] = repeat_to(dev, args.target)
        glued = [" ".join(dev[i:i + 3]) for i in range(0, len(dev) - 2, 3)]
        corpora["dev-x3"] = repeat_to(glued, args.target)
    else:
        print(f"note: {DEV} absent, dev corpora skipped")
    if CROWD.exists():
        corpora["crowdsource"] = repeat_to(load_crowd(), args.target)
    else:
        print(f"note: {CROWD} absent, crowdsource corpus skipped")
    if not corpora:
        print("nothing to measure (no ../shared/data)")
        return 0

    results = []
    analyze = analyzer.analyze
    for name, texts in corpora.items():
        for t in texts[:500]:
            analyze(t)
        rates = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            for t in texts:
                analyze(t)
            rates.append(len(texts) / (time.perf_counter() - start))
        tracemalloc.start()
        for t in texts[: min(len(texts), 5000)]:
            analyze(t)
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        results.append({
            "corpus": name,
            "texts": len(texts),
            "mean_chars": round(statistics.mean(len(t) for t in texts)),
            "best_per_s": round(max(rates)),
            "median_per_s": round(statistics.median(rates)),
            "traced_peak_kib": round(traced_peak / 1024),
        })

    out = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "startup_s": round(startup, 3),
        "rss_before_import_mib": round(rss_start, 1),
        "rss_after_load_mib": round(rss_loaded, 1),
        "peak_rss_mib": round(peak_rss_mib(), 1),
        "target_per_s": TARGET_RATE,
        "results": results,
    }
    print(f"insights pipeline, one core, Python {out['python']} ({out['machine']})")
    print(f"startup (import + lexicons + first text): {out['startup_s']} s; "
          f"peak RSS {out['peak_rss_mib']} MiB (after loading: {out['rss_after_load_mib']} MiB)")
    print(f"{'corpus':<12} {'texts':>7} {'chars':>6} {'best/s':>8} {'median/s':>9} {'traced peak':>12}  target")
    for r in results:
        ok = "ok" if r["median_per_s"] >= TARGET_RATE else "MISSED"
        print(f"{r['corpus']:<12} {r['texts']:>7} {r['mean_chars']:>6} {r['best_per_s']:>8} "
              f"{r['median_per_s']:>9} {r['traced_peak_kib']:>9} KiB  {ok} (>= {TARGET_RATE}/s)")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

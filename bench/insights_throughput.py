"""Contributions analysed per second by the insights pipeline, on one core, and peak memory.

    python bench/insights_throughput.py [--target 20000] [--repeat 3] [--json PATH]

Corpora (read from ../shared/data; a corpus whose file is absent is skipped with a note):

- dev: the texts of shared/data/discourse/dev.jsonl (resident contributions, ~110
  characters on average) repeated to about `--target` texts;
- dev-x3: the same texts glued three by three (~330 characters, the typical length of a
  free-text answer of 200-400 characters), repeated to about `--target` texts;
- dev-x10: the same texts glued ten by ten (~1,000 characters, a long answer or idea),
  repeated to about `--target` / 3 texts;
- crowdsource: the 787 real citizen contributions of
  shared/data/french_text/crowdsource_resultat_analyses.csv (~350 characters, up to 3,000),
  repeated to about `--target` texts.

For each corpus: one warm-up pass over the first 500 texts, then `--repeat` timed passes
in this single process (one core: the pipeline is pure Python, no threads), reporting the
best and median texts/s and the mean characters per text. Peak memory is measured twice:
the process's peak RSS (resource.getrusage, includes the interpreter and the
lexicons) and the peak of Python allocations during one pass (tracemalloc, run apart
because tracing slows the pass down).

Stages (one more pass per corpus, each stage timed apart on the same texts): `tokenize`
(normalisation, tokens and spans), `gazetteer` (institutions found in the tokens),
`stance` (clauses, lexicon, negation, acts, attribution, tone masses:
`insights.stance.analyse_tokens`) and `assembly` (the rest of `Analyzer.analyze`:
mentions, sentences, targets, tone label), in CPU microseconds per text (time.process_time,
best of three rounds). Besides wall-clock texts/s, each corpus also reports texts per CPU second (`per_cpu_s`), the figure a loaded
machine moves least.

Target (issue 16): >= 500 texts/s per core for ~330-character texts (dev-x3 and
crowdsource); the first target, >= 3,000/s, was for the ~110-character dev texts.
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
TARGETS = {"dev": 3000, "dev-x3": 500, "crowdsource": 500}  # texts/s per core; none for dev-x10


def load_dev():
    with open(DEV, encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh if line.strip()]


def load_crowd():
    with open(CROWD, encoding="utf-8", newline="") as fh:
        return [row["text"] or "" for row in csv.DictReader(fh)]


def repeat_to(texts, target):
    k = max(1, round(target / len(texts)))
    return texts * k


STAGES = ("tokenize", "gazetteer", "stance", "assembly", "total")


def stage_costs(analyzer, texts, rounds=3):
    """Microseconds per text of each stage of Analyzer.analyze, each timed apart; the best
    of `rounds` rounds for each stage (a loaded machine only ever adds time)."""
    from insights.stance import analyse_tokens
    from insights.tokenize import tokens_with_spans

    clock = time.process_time  # CPU time: what waiting for a loaded machine's cores does not add to
    best = {}

    def keep(stage, seconds):
        best[stage] = min(best.get(stage, seconds), seconds)

    for _ in range(rounds):
        started = clock()
        tokenised = [tokens_with_spans(t) for t in texts]
        keep("tokenize", clock() - started)
        started = clock()
        found = [analyzer.gazetteer.find(toks, spans, t) for (toks, spans), t in zip(tokenised, texts)]
        keep("gazetteer", clock() - started)
        started = clock()
        for (toks, _), f in zip(tokenised, found):
            analyse_tokens(toks, f, analyzer.lexicon)
        keep("stance", clock() - started)
        started = clock()
        for t in texts:
            analyzer.analyze(t)
        keep("total", clock() - started)
    best["assembly"] = max(0.0, best["total"] - best["tokenize"] - best["gazetteer"] - best["stance"])
    return {stage: round(best[stage] * 1e6 / len(texts), 1) for stage in STAGES}


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
        glued10 = [" ".join(dev[i:i + 10]) for i in range(0, len(dev) - 9, 10)]
        corpora["dev-x10"] = repeat_to(glued10, args.target // 3)
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
        rates, cpu_rates = [], []
        for _ in range(args.repeat):
            start, cpu = time.perf_counter(), time.process_time()
            for t in texts:
                analyze(t)
            rates.append(len(texts) / (time.perf_counter() - start))
            cpu_rates.append(len(texts) / (time.process_time() - cpu))
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
            "per_cpu_s": round(statistics.median(cpu_rates)),
            "traced_peak_kib": round(traced_peak / 1024),
            "target_per_s": TARGETS.get(name),
        })

    peak_while_analysing = peak_rss_mib()  # before the stage costs, which keep their tokens
    for r, texts in zip(results, corpora.values()):
        r["stages_us_per_text"] = stage_costs(analyzer, texts[: min(len(texts), 2000)])

    out = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "startup_s": round(startup, 3),
        "rss_before_import_mib": round(rss_start, 1),
        "rss_after_load_mib": round(rss_loaded, 1),
        "peak_rss_mib": round(peak_while_analysing, 1),
        "results": results,
    }
    print(f"insights pipeline, one core, Python {out['python']} ({out['machine']})")
    print(f"startup (import + lexicons + first text): {out['startup_s']} s; "
          f"peak RSS {out['peak_rss_mib']} MiB (after loading: {out['rss_after_load_mib']} MiB)")
    print(f"{'corpus':<12} {'texts':>7} {'chars':>6} {'best/s':>8} {'median/s':>9} {'per CPU s':>9} "
          f"{'traced peak':>12}  target")
    for r in results:
        target = r["target_per_s"]
        ok = "" if target is None else ("ok" if r["median_per_s"] >= target else "MISSED") + f" (>= {target}/s)"
        print(f"{r['corpus']:<12} {r['texts']:>7} {r['mean_chars']:>6} {r['best_per_s']:>8} "
              f"{r['median_per_s']:>9} {r['per_cpu_s']:>9} {r['traced_peak_kib']:>9} KiB  {ok}")
    print("stages, CPU microseconds per text (best of 3): " + ", ".join(STAGES))
    for r in results:
        st = r["stages_us_per_text"]
        print(f"{r['corpus']:<12} " + "  ".join(f"{k} {st[k]:7.1f}" for k in STAGES)
              + "  (" + ", ".join(f"{k} {100 * st[k] / st['total']:.0f} %" for k in STAGES[:-1]) + ")")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

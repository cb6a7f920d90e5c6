"""Command line without Flask:

    python -m insights evaluate PATH.jsonl [--json] [--halves]
    python -m insights analyze "texte..." [--explain]
    python -m insights mentions [--json] [--svm] [--with-heldout-a]

`mentions`: the rules and the supervised layer per mention on the real labelled set
(`insights/mention_layer.py`): kappa of the two human passes, cross-validated and
held-out macro-F1, the gate.

`evaluate` prints the same report as `flask --app wsgi insights evaluate PATH --json`;
`--halves` adds the report on each half of the file (odd / even numeric ids), the split
used during development (docs/insights.md).
"""
import argparse
import json
import sys

from .evaluate import evaluate_records, read_jsonl, split_halves
from .pipeline import Analyzer, explain


def _summary(rep):
    d, s, t = rep["target_detection"], rep["target_stance"], rep["doc_polarity"]
    return (f"n={rep['n']}  detection P={d['precision']:.3f} R={d['recall']:.3f} "
            f"F1={d['f1']:.3f}  stance acc={s['accuracy']:.3f} macro-F1={s['macro_f1']:.3f}  "
            f"tone acc={t['accuracy']:.3f} macro-F1={t['macro_f1']:.3f}")


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m insights")
    sub = ap.add_subparsers(dest="cmd", required=True)
    ev = sub.add_parser("evaluate", help="score a gold JSONL file (FORMAT.md)")
    ev.add_argument("path")
    ev.add_argument("--json", action="store_true", help="print the full report as JSON")
    ev.add_argument("--halves", action="store_true", help="also report each half (odd/even ids)")
    an = sub.add_parser("analyze", help="analyse one text")
    an.add_argument("text")
    an.add_argument("--explain", action="store_true", help="show the per-clause trace")
    me = sub.add_parser("mentions", help="rules vs supervised layer on the real labelled mentions")
    me.add_argument("--json", action="store_true", help="print the full report as JSON")
    me.add_argument("--svm", action="store_true", help="a linear SVM instead of logistic regression")
    me.add_argument("--with-heldout-a", action="store_true", help="also train on heldout_a (never on dev nor heldout_b)")
    args = ap.parse_args(argv)

    if args.cmd == "mentions":
        from .mention_layer import report, summary

        rep = report(kind="svm" if args.svm else "logistic", with_heldout_a=args.with_heldout_a)
        print(json.dumps(rep, ensure_ascii=False, indent=2) if args.json else summary(rep))
        return 0

    if args.cmd == "evaluate":
        rows = read_jsonl(args.path)
        analyzer = Analyzer()
        rep = evaluate_records(rows, analyzer)
        if args.halves:
            a, b = split_halves(rows)
            halves = {"A_odd_ids": evaluate_records(a, analyzer), "B_even_ids": evaluate_records(b, analyzer)}
        if args.json:
            if args.halves:
                rep = dict(rep, halves=halves)
            print(json.dumps(rep, ensure_ascii=False, indent=2))
        else:
            print("all  ", _summary(rep))
            if args.halves:
                for name, r in halves.items():
                    print(f"{name[:5]:<5}", _summary(r))
        return 0
    a = Analyzer().analyze(args.text)
    print(json.dumps(a.as_dict(), ensure_ascii=False, indent=2))
    if args.explain:
        for clause in explain(args.text):
            print(clause)
    return 0


if __name__ == "__main__":
    sys.exit(main())

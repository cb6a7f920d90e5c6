
import pytest

from voix.privacy import PLACEHOLDERS, scrub

SCRUBBED = [
    # Phones
    (
        "J'ai appelé la CAF au 01 23 45 67 89 et Mme Benali m'a dit d'attendre",
        "J'ai appelé la CAF au [téléphone] et [nom] m'a dit d'attendre",
    ),
    ("Rappelez-moi au 06 12 34 56 78 svp", "Rappelez-moi au [téléphone] svp"),
    ("mon portable 06.12.34.56.78", "mon portable [téléphone]"),
    ("tel 0612345678 le soir", "tel [téléphone] le soir"),
    ("depuis l'étranger : +33 6 12 34 56 78", "depuis l'étranger : [téléphone]"),
    ("mon fils au +33 (0)7 81 22 33 44", "mon fils au [téléphone]"),
    ("appelez le 0033 6 12 34 56 78", "appelez le [téléphone]"),
    ("le bureau 01-47-12-34-56 ne répond pas", "le bureau [téléphone] ne répond pas"),
    (
        "Tours Habitat au 02 47 60 13 00, personne ne décroche",
        "Tours Habitat au [téléphone], personne ne décroche",
    ),
    # Emails
    (
        "écrivez-moi à jean.dupont@gmail.com merci",
        "écrivez-moi à [email] merci",
    ),
    ("contact : fatou-d92@orange.fr", "contact : [email]"),
    (
        "mon mail c'est jean point dupont arobase gmail point com",
        "mon mail c'est [email]",
    ),
    # Civility + name
    ("M. Dupont est très gentil", "[nom] est très gentil"),
    ("Mr Dupont nous a reçus", "[nom] nous a reçus"),
    ("Monsieur Jean Dupont habite ici", "[nom] habite ici"),
    ("Mme Martin du centre social", "[nom] du centre social"),
    ("Madame Benali m'a aidée pour les papiers", "[nom] m'a aidée pour les papiers"),
    ("madame benali nous a dit d'attendre", "[nom] nous a dit d'attendre"),
    ("Mlle Durand et Melle Sarah", "[nom] et [nom]"),
    ("le Dr Martin ne prend plus de patients", "le [nom] ne prend plus de patients"),
    ("Docteur Kouassi est parti", "[nom] est parti"),
    ("Mme Le Gall et M. Ben-Ahmed", "[nom] et [nom]"),
    ("Mme N'Diaye a raison", "[nom] a raison"),
    ("Monsieur Mohamed Ben Ali est venu", "[nom] est venu"),
    ("Mme Martin Lundi matin", "[nom] Lundi matin"),
    # Addresses
    ("j'habite au 12 rue des Lilas", "j'habite au [adresse]"),
    ("3 bis avenue de Grammont, c'est bruyant", "[adresse], c'est bruyant"),
    ("au 45, boulevard Winston Churchill", "au [adresse]"),
    ("7 impasse des Rosiers depuis 2015", "[adresse] depuis 2015"),
    ("2 allée Jean Moulin, 37100 Tours", "[adresse]"),
    ("au 12 rue du Général de Gaulle", "au [adresse]"),
    ("14 rue du 8 Mai 1945 au rez-de-chaussée", "[adresse] au rez-de-chaussée"),
    ("5 place Choiseul", "[adresse]"),
    ("il habite au 5 RUE NATIONALE", "il habite au [adresse]"),
    ("je suis à 37000 Tours depuis peu", "je suis à [adresse] depuis peu"),
    ("37300 Joué-lès-Tours", "[adresse]"),
    # Numbers
    ("numéro allocataire 1234567", "numéro allocataire [numéro]"),
    ("mon n° CAF 1234567 est bloqué", "mon n° CAF [numéro] est bloqué"),
    ("mon dossier 2023-45678 est en attente", "mon dossier [numéro] est en attente"),
    ("référence : 2024/000123", "référence : [numéro]"),
    ("réf. AB123456", "réf. [numéro]"),
    ("ma sécu 1 85 05 78 006 084 36", "ma sécu [numéro]"),
    ("ma sécu 185057800608436", "ma sécu [numéro]"),
    ("RIB FR76 3000 6000 0112 3456 7890 189", "RIB [numéro]"),
    ("carte 4970 1234 5678 9012", "carte [numéro]"),
    ("code 98765432 pour la porte", "code [numéro] pour la porte"),
    # Everything at once
    (
        "Je m'appelle Monsieur Jean Dupont, j'habite 12 rue des Lilas 37000 Tours, "
        "mon numéro allocataire 1234567, écrivez-moi à jean.dupont@gmail.com "
        "ou au 06 12 34 56 78 merci.",
        "Je m'appelle [nom], j'habite [adresse], "
        "mon numéro allocataire [numéro], écrivez-moi à [email] "
        "ou au [téléphone] merci.",
    ),
]

UNCHANGED = [
    "",
    "J'ai écrit à la CAF, à la CPAM et à la préfecture, sans réponse.",
    "Tours Habitat et Val Touraine Habitat ne réparent rien.",
    "La police municipale passe rarement dans le quartier.",
    "Pôle emploi est devenu France Travail, c'est pareil.",
    "Le bailleur dit que la Métropole doit s'en occuper.",
    "L'école et le centre social font du bon travail.",
    "Monsieur le Maire, venez voir nos ascenseurs.",
    "Monsieur Le Maire de Tours doit agir.",
    "M. le maire nous a promis un terrain de foot.",
    "Madame la directrice de l'école est à l'écoute.",
    "monsieur le préfet et madame la maire",
    "Bonjour Madame, merci Monsieur.",
    "une madame de la mairie m'a aidée",
    "la madame m'a dit de revenir",
    "le docteur généraliste ne prend plus personne",
    "La place du marché est sale.",
    "on attend 1 place en crèche",
    "il a 3 cours de français par semaine",
    "Le 12 mars 2024 à 18h30, réunion au centre social.",
    "En 2023 on a attendu 3 mois.",
    "J'ai 2 enfants et le bus 12 passe toutes les 20 minutes.",
    "La ligne 5 est supprimée le dimanche.",
    "Le loyer a augmenté de 10 % : 50 euros de plus.",
    "Le projet coûte 1 500 000 euros.",
    "Appelez le 3949 pour la CAF.",
    "Le dossier déposé le 12/03/2024 est en cours.",
    "120 logements du bâtiment B seront rénovés.",
    "les HLM. Bonjour à tous",
]


@pytest.mark.parametrize(("text", "expected"), SCRUBBED)
def test_scrubs_personal_data(text, expected):
    assert scrub(text) == expected


@pytest.mark.parametrize("text", UNCHANGED)
def test_keeps_ordinary_text(text):
    assert scrub(text) == text


@pytest.mark.parametrize("text", [t for t, _ in SCRUBBED] + UNCHANGED)
def test_idempotent(text):
    once = scrub(text)
    assert scrub(once) == once


def test_placeholders_survive_scrubbing():
    joined = " ".join(PLACEHOLDERS)
    assert scrub(joined) == joined
    assert PLACEHOLDERS == ("[email]", "[téléphone]", "[nom]", "[adresse]", "[numéro]",
                            "[date de naissance]", "[santé]", "[compte]")


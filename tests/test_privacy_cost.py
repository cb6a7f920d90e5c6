"""How the scrubber calls its NER model (docs/bench.md): only what the entities need runs,
and a name that coordination scrubs anyway does not wake the model. What it stores is the
business of tests/test_privacy*.py; these tests fail if the cost comes back."""
import pytest

from voix import privacy
from voix.privacy import ner


@pytest.fixture
def model_calls(monkeypatch):
    """The texts the NER model is asked to read (it still answers)."""
    calls = []
    entities = ner.entities

    def counting(texts):
        calls.extend(texts)
        return entities(texts)

    monkeypatch.setattr(ner, "entities", counting)
    return calls


def test_only_the_ner_runs_on_one_blas_thread():
    pipeline = ner.nlp()
    assert pipeline.pipe_names == ["ner"]  # not the shared tok2vec nothing listens to
    assert pipeline.get_pipe("ner").model.ops.use_blis is False  # numpy's BLAS
    from threadpoolctl import threadpool_info

    assert all(pool["num_threads"] == 1 for pool in threadpool_info() if pool["user_api"] == "blas")


def test_the_ner_finds_the_same_names_without_the_shared_tok2vec():
    text = "Le gardien, Karim Haddad, a réparé la porte du hall lui-même."
    assert [(text[start:end], label) for start, end, label in ner.entities([text])[0]] == [("Karim Haddad", "PER")]


def test_a_name_coordinated_with_a_found_name_does_not_wake_the_model(model_calls):
    text = "Le centre social fait un travail formidable. Merci à Kevin et Soraya qui ont aidé tout le monde."
    assert privacy.scrub(text).endswith("Merci à [nom] et [nom] qui ont aidé tout le monde.")
    assert model_calls == []


def test_an_unknown_name_inside_a_sentence_is_scrubbed_without_the_model(model_calls):
    # whatever the model would call "Karim Haddad" here, the rule after it scrubs it
    assert privacy.scrub("Le gardien, Karim Haddad, a réparé la porte du hall lui-même.") == (
        "Le gardien, [nom], a réparé la porte du hall lui-même.")
    assert model_calls == []


@pytest.mark.parametrize("text, stored", [
    # at a sentence start: a name if the model says so, else only unsure
    ("Karim Haddad a réparé la porte du hall lui-même.", "[nom] a réparé la porte du hall lui-même."),
    # a French word in the run: the model decides whether "Rose" is a name
    ("Le gardien, Rose Haddad, a réparé la porte.", "Le gardien, [nom], a réparé la porte."),
    # after "de": a place or an organisation is left (and reported as unsure)
    ("Ma famille vient de Bamako, comme beaucoup ici.", "Ma famille vient de Bamako, comme beaucoup ici."),
])
def test_a_name_the_rules_cannot_decide_still_goes_to_the_model(model_calls, text, stored):
    assert privacy.scrub(text) == stored
    assert len(model_calls) == 1


def test_the_model_reads_the_text_before_coordination(model_calls):
    # another unknown name wakes the model: it reads "[nom] et Soraya", as it always did
    privacy.scrub("Merci à Kevin et Soraya. Rochepinardoux est passé aussi.")
    assert len(model_calls) == 1 and "[nom] et Soraya" in model_calls[0]


def _dev_and_own_texts():
    from pathlib import Path

    from voix.privacy.evaluate import read_jsonl

    here = Path(__file__).resolve().parent
    paths = [here.parent.parent / "shared" / "data" / "privacy" / "pii_dev.jsonl",
             *sorted((here / "fixtures" / "privacy").glob("*.jsonl"))]
    return [row["text"] for path in paths if path.exists() for row in read_jsonl(path)]


def test_what_the_rules_decide_is_what_the_model_would_have_stored(monkeypatch):
    """Every labelled text whose names the rules decide is stored as if the model had read it."""
    from voix.privacy import names

    decided = [t for t in _dev_and_own_texts()
               if names.decided_without_model(privacy._before_model(t)[0]) is not None]
    # the sets hold such texts (18 in tests/fixtures alone, as in a fresh clone without
    # ../shared): the comparison below is not empty
    assert len(decided) >= 10
    fast = [s.text for s in privacy.clean_many(decided)]
    monkeypatch.setattr(names, "decided_without_model", lambda text, english=None, **_: None)
    assert [s.text for s in privacy.clean_many(decided)] == fast


@pytest.mark.parametrize("text", [
    "Les poubelles débordent, la mairie doit agir vite L'ascenseur est en panne depuis une semaine.",
    "La cantine est trop chère pour les familles J'habite ici depuis vingt ans.",
    "Le local des jeunes ferme trop tôt Rappelez-moi au [téléphone] si besoin.",
    "La cantine est trop chère Signé [nom], locataire du bâtiment C.",  # the word of a signature
])
def test_a_sentence_without_its_full_stop_does_not_wake_the_model(model_calls, text):
    # "L'ascenseur", "J'habite", "Rappelez-moi" capitalised inside a sentence: grammar says
    # they are words, not names
    assert privacy.scrub(text) == text
    assert model_calls == []


@pytest.mark.parametrize("text, name", [
    ("La cantine est trop chère Karim Haddad pourrait en parler.", "Haddad"),
    ("Le gardien D'Amico a réparé la porte.", "D'Amico"),  # a name keeps its capital after the apostrophe
    ("Le gardien Jean-Pierre a réparé la porte.", "Jean-Pierre"),
])
def test_names_beside_such_words_are_still_scrubbed(text, name):
    assert name not in privacy.scrub(text)


def test_the_rare_kinds_scan_skips_everyday_words():
    from voix.privacy import rules

    # "une", "personne", "je ne sais" used to wake the second scan in most answers
    for text in ("une personne âgée ne sait pas où aller", "je ne sais pas, la semaine prochaine",
                 "l'ascenseur ne marche pas, la porte du hall est cassée"):
        assert not rules._RARE_HINT.search(text.lower())
    for text in ("Née le 12/03/1985", "né en 1971", "née en mars 1971", "bât. C, escalier 2, porte 14",
                 "3e étage porte gauche", "boîte aux lettres n°12", "zéro six douze"):
        assert rules._RARE_HINT.search(text.lower())


def test_the_model_reads_only_the_sentences_that_woke_it(model_calls):
    text = ("Le local des jeunes ferme à 19h, c'est trop tôt. Rochepinardoux est passé hier. "
            "Merci de voir ça vite.")
    assert privacy.scrub(text) == "Le local des jeunes ferme à 19h, c'est trop tôt. [nom] est passé hier. Merci de voir ça vite."
    assert model_calls == [" Rochepinardoux est passé hier."]


def test_entities_come_back_at_their_place_in_the_whole_text():
    texts = ["Le local ferme tôt. Vu avec Ousmane Kébé hier soir. Tout va mal. Ensuite Fatoumata Sidibé est venue.",
             "Rien à signaler."]
    windows = [privacy.names.model_windows(t) for t in texts]
    assert windows[1] == []  # nothing wakes the model: it reads nothing of that text
    found = privacy._entities_in_windows(texts[:1])[0]
    assert [texts[0][s:e] for s, e, label in found if label == "PER"] == ["Ousmane Kébé", "Fatoumata Sidibé"]


@pytest.mark.parametrize("text", [
    "Le RSA et la CSG pèsent sur les familles, l'ASF arrive en retard.",
    "Il faut RESPECTER les habitants du quartier.",
    "Nos propositions :\n- Arrêter de supprimer des lits\n- Rendre le dispositif plus simple",
    "Domaine scolaire : - Arrêter de diminuer les effectifs. - Stopper les fermetures de classes",
    "Les charges sont trop lourdes  Baisser la part des cotisations\tAssurer un financement",
])
def test_acronyms_shouted_words_and_bulleted_verbs_do_not_wake_the_model(model_calls, text):
    assert privacy.scrub(text) == text  # "- Arrêter ..." used to come out as "- [nom] ..."
    assert model_calls == []


@pytest.mark.parametrize("text, name", [
    ("Le dossier est chez Karim HADDAD depuis un mois.", "HADDAD"),
    ("Le dossier est chez HADDAD Karim depuis un mois.", "HADDAD"),
    ("Nos propositions :\n- Karim Haddad peut aider les jeunes", "Haddad"),
    ("merci à JEAN PETIT pour la sortie", "PETIT"),  # an adverb ends no name after a first name
    ("le soutien à #JusticePourAdama continue", "Adama"),  # a name joined to words, not a typo
])
def test_capitals_beside_a_name_are_still_a_name(text, name):
    assert name not in privacy.scrub(text)


@pytest.mark.parametrize("text", [
    "Le soir Fil Bleu a rajouté des bus, merci.",  # used to come out as "Fil [nom]"
    "Il faut que la Sécurité Sociale rembourse mieux et que l'Education Nationale suive.",
    "On attend que l'État et la Justice fassent leur travail.",
    "Les aides baissent depuis des années L'Etat doit aider les familles.",  # elided article, full stop lost
    "Les T.I.G. ou les hopItaux psychiatriques sont saturés.",  # a capital typed inside a French word
])
def test_protected_phrases_inside_a_sentence_do_not_wake_the_model(model_calls, text):
    assert privacy.scrub(text) == text
    assert model_calls == []


def test_an_acronym_is_read_alike_before_and_after_the_model():
    # another word wakes the model: "EHPAD", which the gate leaves alone, is not scrubbed after it
    stored = privacy.scrub("Mon père est à l'EHPAD depuis mars. Rochepinardoux est passé le voir.")
    assert stored == "Mon père est à l'EHPAD depuis mars. [nom] est passé le voir."

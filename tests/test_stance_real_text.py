"""Stance rules written for real citizen text (issue 16, session 8), each with real sentences.

Every quote is from tests/fixtures/discourse/real_texts.jsonl, a text of the TRAINING part of
real_mentions.jsonl (ids after each quote; "an2016" Assemblée nationale 2016 consultation,
ODbL 1.0; "gdn2019" Grand Débat National 2019, Licence Ouverte 2.0). The held-out part is
never quoted here: `train_text` refuses its texts. Each test would fail without its rule.
"""
import pytest

from insights import mention_layer as ml
from insights.acts import clause_is_request
from insights.lexicon import default_lexicon
from insights.stance import LONG_TEXT_TOKENS
from insights.tokenize import tokens_with_spans


@pytest.fixture(scope="module")
def train_text():
    rows = ml.load()
    part = {row["text_id"]: row["part"] for row in rows}
    texts = {row["text_id"]: row["text"] for row in rows}

    def get(text_id):
        assert part[text_id] == "train", f"{text_id} is not in the training part"
        return texts[text_id]
    return get


def mention(an, text, code):
    return next(m for m in an.analyze(text).mentions if m.code == code)


# --- what a sentence does: requests the markers missed ---------------------------------

@pytest.mark.parametrize("text_id, quote, code", [
    # a list item opened by an infinitive then a comma
    ("gdn2019-2-13453", "Eduquer, à partir de l'école, la population a user d'une manière rationnelle "
                        "et sans gaspillage les ressources naturelles", "ecole"),
    # an infinitive then an infinitive ("pouvoir prendre", "faire payer")
    ("gdn2019-3-38390", "la mobilité:pouvoir prendre le bus ou autre afin d'utiliser moins  notre véhicule", "metropole"),
    # a verb with its subject after it, in one token: "faudrait-il"
    ("an2016-478", "Sans doute faudrait-il plus d'assistantes sociales qui, en liaison avec l'école, le "
                   "collège ou le lycée, pourraient passer plus ou moins à l'improviste dans des domiciles "
                   "où sont suspectées des violences conjugales.", "ecole"),
])
def test_real_proposals_without_the_old_markers_are_requests(an, train_text, text_id, quote, code):
    assert quote in train_text(text_id)
    m = mention(an, quote, code)
    assert (m.act, m.stance) == ("request", "neutral")


def test_inverted_subject_keeps_who_must_act():
    """"faudrait-il" is a demand; "pourquoi doit-on payer" (gdn2019-2-48046) is the writer's
    duty, a complaint, as "on doit attendre" already was."""
    faudrait = ["sans", "doute", "faudrait-il", "plus", "d'", "assistantes"]
    doit_on = ["pourquoi", "doit-on", "payer", "3", "fois", "plus", "cher"]
    assert clause_is_request(faudrait, 0, len(faudrait), False)
    assert not clause_is_request(doit_on, 0, len(doit_on), False)


def test_a_list_bullet_or_a_lost_line_break_ends_the_sentence(an, train_text):
    """gdn2019-3-10318: a list pasted with a word processor's bullet ("\uf0fc") between its
    items: the bullet starts a line, so each item opens like a sentence (an infinitive: a
    proposal). Two spaces then a capital after a word are a line break lost in an export."""
    text = train_text("gdn2019-3-10318")
    quote = ("Harmoniser les calculs de remboursement des aides-techniques et du calcul de la PCH entre "
             "les MDPH des différents départements \uf0fc Accepter le remboursement du matériel médical")
    assert quote in text
    toks = tokens_with_spans(quote)[0]
    assert toks[toks.index("accepter") - 1] == "\n"
    toks, spans = tokens_with_spans("des différents départements  Accepter le remboursement")
    k = toks.index("accepter")
    assert toks[k - 1] == "\n" and spans[k - 1] == (spans[k][0], spans[k][0])  # zero width: offsets kept
    assert tokens_with_spans("la CAF,  Merci")[0] == ["la", "caf", ",", "merci"]  # after a comma: no break
    m = mention(an, text, "departement")
    assert m.surface == "MDPH" and (m.act, m.stance) == ("request", "neutral")


def test_an_infinitive_then_a_name_is_a_proposal(an, train_text):
    """gdn2019-3-51104: "Privatiser POLE EMPLOI pour la mission d'accueillir, informer, orienter
    et d'accompagner..." (the service's missions are not praise of it)."""
    text = train_text("gdn2019-3-51104")
    m = mention(an, text, "france_travail")
    assert m.surface == "POLE EMPLOI" and (m.act, m.stance) == ("request", "neutral")


# --- evaluative words attached to what they govern --------------------------------------

@pytest.mark.parametrize("text_id, quote", [
    ("an2016-560", "Au contraire, elle est souvent moquée par les forces de l'ordre alors même qu'elle porte plainte."),
    ("an2016-391", "Les victimes sont très souvent moquées ou ne sont pas cru, notamment par la police lorsque "
                   "les victimes décident de porter plainte."),
])
def test_the_agent_of_a_passive_is_who_is_judged(an, train_text, text_id, quote):
    """"moquée par les forces de l'ordre": the agent acts, even after a pronoun subject, and
    a clause "notamment par la police" takes the passive clause just before it in full."""
    text = train_text(text_id)
    assert quote in text
    assert mention(an, quote, "police").stance == "negative"
    # in the whole text too: the mention after "par" is the one judged
    start = text.index(quote)
    (m,) = [m for m in an.analyze(text).mentions if start <= m.start < start + len(quote)]
    assert m.stance == "negative"


def test_a_national_subject_is_not_the_mairie_named_before(an, train_text):
    """gdn2019-1-19482: "Le député ... est très souvent déconnecté": about the député, not
    the maire of the sentence before (it used to carry -0.25 to him)."""
    text = train_text("gdn2019-1-19482")

    def maire(t):
        return next(m for m in an.analyze(t).mentions if m.surface == "Le maire")
    assert maire(text).score > 0 and maire(text).stance != "negative"
    # the same complaint without a national subject still carries to the maire named before
    plain = text.replace("Le député s'il n'est pas lié au territoire par un mandat local est", "Il est")
    assert maire(plain).score < maire(text).score


def test_problems_of_society_are_not_blame(an, train_text):
    """ANNOTATION-GUIDE.md: a problem of society the institution should address is neutral
    (gdn2019-3-4351, gdn2019-3-16498: "la fraude"); a complaint about the institution stays."""
    for text_id, quote, code in (
            ("gdn2019-3-4351", "Et veiller à la fraude sociale comme les fausses carte de sécu.", "sante"),
            ("gdn2019-3-16498", "Lutter avec détermination contre la fraude aux cartes vitales et à la "
                                "Sécurité Sociale", "sante")):
        assert quote in train_text(text_id)
        assert mention(an, quote, code).stance == "neutral"
    assert an.analyze("Et veiller à la fraude sociale comme les fausses carte de sécu.").negative > 0  # tone keeps it
    assert mention(an, "La sécu a perdu mon dossier, c'est une honte.", "sante").stance == "negative"


def test_a_neutral_phrase_negated_is_not_praise(an, train_text):
    """gdn2019-3-27298: "pas d'aide de la CAF" read +0.4 (the neutral phrase "d'aide" negated)."""
    quote = ("S'ils veulent un 4eme enfant ou plus, c'est qu'ils peuvent l'assumer et donc pas d'aide de la "
             "CAF (à part le strict minimum).")
    assert quote in train_text("gdn2019-3-27298")
    assert mention(an, quote, "caf").score <= 0


def test_a_weak_negative_denied_is_not_praise(an, train_text):
    """an2016-391: "ne sont pas cru" (cru: raw, -0.3) became +0.4; a stronger negative denied
    is still mildly positive ("pas mauvais")."""
    quote = "Les victimes sont très souvent moquées ou ne sont pas cru, notamment par la police"
    assert quote in train_text("an2016-391")
    assert mention(an, quote, "police").score == pytest.approx(-0.6)
    assert mention(an, "Le bus n'est pas mauvais.", "metropole").stance == "positive"


def test_blame_words_the_general_lexicons_lack(an, train_text):
    """an2016-437: "est rare et méconnue" (rare is +0.25 in the general lexicon)."""
    quote = "L'existence d'assistant sociaux ou de psychologues dans les commissariats est rare et méconnue."
    assert quote in train_text("an2016-437")
    assert mention(an, quote, "police").score < 0
    lex = default_lexicon()
    assert lex.score("sexistes") < 0 and lex.score("inadaptés") < 0


def test_the_army_is_not_evidence(an, train_text):
    """gdn2019-3-26881, a list of public services: "armée" (-0.28 in the general lexicon) is
    an institution named, not a complaint about the hospital or the police."""
    text = train_text("gdn2019-3-26881")
    assert [m.stance for m in an.analyze(text).mentions] == ["neutral", "neutral"]


# --- long answers: proposals, not judgements ---------------------------------------------

def test_long_texts_skip_the_general_lexicons_weak_words(an, train_text):
    """gdn2019-3-73319: "demandent ensuite l'aide du Conseil général" in a long answer was
    praise (+1.33) from the general lexicons' weak words around it ("transmis", "partagent",
    "succession"...); our own files' words and strong general words still count."""
    text = train_text("gdn2019-3-73319")
    assert len(tokens_with_spans(text)[0]) > LONG_TEXT_TOKENS
    assert mention(an, text, "departement").stance == "neutral"
    lex = default_lexicon()
    assert lex.lookup(["partagent"], 0) and lex.lookup_long(["partagent"], 0) is None
    assert lex.lookup_long(["nul"], 0) and lex.lookup_long(["efficace"], 0)  # ours, or strong: kept


def test_a_comparative_of_praise_in_a_long_text_is_the_improvement_wanted(an, train_text):
    """an2016-224 ("3-Un accès plus efficace ... dans les centre de santé") and gdn2019-3-30279
    ("de manière plus rapide et plus efficace"): praise of nothing compared. A comparison
    with "que" and a short text keep it."""
    for text_id, code in (("an2016-224", "sante"), ("gdn2019-3-30279", "police")):
        text = train_text(text_id)
        assert len(tokens_with_spans(text)[0]) > LONG_TEXT_TOKENS
        assert mention(an, text, code).stance != "positive"
    short = "3-Un accès plus efficace à l'avortement et à la contraception dans les centre de santé."
    assert short in train_text("an2016-224")
    assert mention(an, short, "sante").score > 0


def test_the_verb_inside_ne_pas_is_denied_with_what_follows(an, train_text):
    """gdn2019-3-61429: "les enfants ne s'en sortent pas très bien" was "s'en sortent" (+0.4)
    beside "pas très bien" (-0.39), nothing; the verb inside "ne ... pas" is denied too, and
    the "mais" clause judges the aide sociale à l'enfance named before it."""
    quote = ("constat : l'aide sociale à l'enfance coûte beaucoup mais les enfants  ne s'en sortent pas "
             "très bien une fois adulte.")
    assert quote in train_text("gdn2019-3-61429")
    assert mention(an, quote, "departement").stance == "negative"
    assert mention(an, "La CAF ne répond pas très vite.", "caf").stance == "negative"


def test_a_quand_is_a_complaint_in_a_question(an, train_text):
    """gdn2019-3-21077: "à quand une vraie éducation à la non-violence dans nos écoles ?" says
    it is missing; "quand" after "à" is not the connector "when"."""
    quote = "à quand une vraie éducation à la non-violence dans nos écoles ?"
    assert quote in train_text("gdn2019-3-21077")
    m = mention(an, quote, "ecole")
    assert (m.act, m.stance) == ("question", "negative")
    assert mention(an, "Est-ce que la CAF ouvre quand il pleut ?", "caf").stance == "neutral"


@pytest.mark.parametrize("text_id, quote, code", [
    ("an2016-483", "Mieux éduquer la police sur le sexisme et les violences conjugales.", "police"),
    ("gdn2019-3-2574", "Réorganiser l’hôpital, contrôler au plus près les dépenses", "sante"),
    ("gdn2019-3-26793", "La gendarmerie doit redevenir un corps de régulation sociale", "police"),
    ("gdn2019-3-61429", "L'aide sociale à l'enfance doit être profondément revue pour une meilleur efficience",
     "departement"),
    ("gdn2019-3-1841", "réformer les EHPAD, les Hôpitaux, la Justice, retrouver une Education Nationale performante",
     "ecole"),
])
def test_a_request_to_repair_the_institution_itself_is_blame(an, train_text, text_id, quote, code):
    """The institution is the object of a repair verb, or the subject of a duty to be redone:
    a request that says it does not work (negative in gold), still a request."""
    assert quote in train_text(text_id)
    m = mention(an, quote, code)
    assert (m.act, m.stance) == ("request", "negative")


@pytest.mark.parametrize("text_id, quote, code", [
    # the repair is about something else: the list's first item, a noun's complement
    ("gdn2019-3-1841", "réformer les EHPAD, les Hôpitaux, la Justice", "sante"),
    ("gdn2019-3-9926b", "La rémunération des élus doit être revue à la baisse.", "mairie"),
])
def test_a_request_to_repair_something_else_stays_neutral(an, train_text, text_id, quote, code):
    text = train_text(text_id)
    start = text.index(quote)  # in the whole text: "des élus" is the mairie there (local context)
    (m,) = [m for m in an.analyze(text).mentions if m.code == code and start <= m.start < start + len(quote)][:1]
    assert (m.act, m.stance) == ("request", "neutral")


def test_a_need_is_not_praise(an, train_text):
    """an2016-437: "la victime qui a besoin d'un accompagnement" (accompagnement +0.5) made the
    police praised; a need names what is missing, like a wish."""
    quote = ("Les services policiers, judiciaires sont souvent peu informé des phénomènes d'emprise "
             "psychologique de la victime qui a besoin d'un accompagnement dans son dépôt de plainte")
    assert quote in train_text("an2016-437")
    assert mention(an, quote, "police").score <= 0
    assert mention(an, "La CAF m'a bien accompagnée, super accompagnement.", "caf").stance == "positive"

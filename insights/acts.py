"""What a sentence does before what it feels: judgement, request, question, information.

Residents' texts mix complaints and praise with proposals ("il faudrait plus de
permanences CAF"), questions ("quand est-ce que la mairie annexe rouvre ?") and plain
facts ("j'ai rendez-vous à la préfecture le 12"). Only judgements tell what a resident
thinks of an institution; a proposal says something is missing, not that the institution
is bad. Acts, per mention (the sentence it stands in):

- `request`: a wish, demand or proposal. Markers: "il faut (que)", "il faudrait",
  "devrait", "doit/doivent être", "ce serait bien", "j'aimerais", "nous proposons",
  "pourquoi ne pas", "il faudra", "il convient", "il est nécessaire / urgent", a duty verb
  before an infinitive ("La France doit maintenir...", not "on doit attendre"), a sentence
  or list item (after ":", ";", "-", "|") opened by an infinitive with its object or an
  adverb ("Former les policiers...", "Aider réellement les chômeurs"), by a proposal noun
  ("Création de...", "Mise en place...", "Suppression des...", "Harmonisation...", "Baisse
  de..."), by "pour une meilleure / pour plus de", "une meilleure...", "mieux" + infinitive,
  a jussive "Que la CAF verse...", or by "plus de / davantage de" with no complaint in it
  ("Plus de moyens pour la police"); "il serait juste que", "s'impose", "à supprimer /
  annuler / revoir / développer / renforcer / créer". In a request clause only strong,
  explicit judgement words count (|score| >= REQUEST_KEEP: "c'est scandaleux", "nul");
  the weak negatives that only restate the lack ("arrête de perdre", "manque") and the
  implied demand are dropped, so "il faudrait que la CAF ouvre le samedi" leaves the CAF
  neutral while "il faudrait plus de bus parce que là c'est vraiment nul" stays negative.
  Since session 8: a list bullet or a lost line break starts a sentence
  (`insights.tokenize`), numbered items ("3-Un ..."), an infinitive then a comma, an
  infinitive or a name ("Privatiser Pôle emploi"), inverted subjects ("faudrait-il").
- `question`: the sentence ends with "?" (or opens with "est-ce que"); its praise words
  do not count (a question asserts nothing: "est-ce que la CAF peut aider ?"), its
  complaints do ("Pourquoi la CAF met toujours trois mois ?" is a complaint).
- `judgement`: neither, and the mention gets a stance (positive or negative).
- `information`: neither, and the mention is neutral.
"""

import re

REQUEST_KEEP = 0.7

REQUEST_WORDS = frozenset({
    "faudrait", "devrait", "devraient", "aimerais", "aimerait", "aimerions", "voudrais",
    "voudrait", "voudrions", "souhaite", "souhaitons", "souhaiterais", "souhaiterait",
    "souhaiterions", "proposons", "propose", "proposerais", "suggere", "suggerons",
    "suggestion", "esperons", "demandons", "reclamons", "exigeons",
    # issue 16, real texts (training part): future, typos and advice verbs of proposals
    "faudra", "aimerai", "souhaiterai", "voudrai", "devrions", "devons", "preconise",
    "preconisons", "recommande", "recommandons",
})
REQUEST_PAIRS = frozenset({
    ("il", "faut"), ("faut", "que"), ("faut", "qu'"), ("serait", "bien"), ("serait", "utile"),
    ("serait", "bon"), ("serait", "mieux"), ("serait", "souhaitable"), ("serait", "necessaire"),
    ("doit", "etre"), ("doivent", "etre"), ("doivent", "pouvoir"), ("doit", "pouvoir"),
    ("ne", "pas"),  # only after "pourquoi": see below
    ("il", "convient"), ("est", "necessaire"), ("est", "indispensable"), ("est", "urgent"),
    ("serait", "temps"), ("serait", "juste"), ("s'", "impose"), ("a", "supprimer"), ("a", "annuler"),
    ("a", "revoir"), ("a", "developper"), ("a", "renforcer"), ("a", "creer"),
})
# Verb forms that are a proposal only with the writer as subject: folded, "proposé",
# "recommandé" (a registered letter), "souhaité" fall together with "propose", "recommande",
# "souhaite", and a third person reports ("le centre social qui propose des ateliers",
# "elle m'a proposé une formation", "qu'il souhaite"). "souhaite que" stays a wish.
FIRST_PERSON_ONLY = frozenset({"propose", "recommande", "suggere", "souhaite", "preconise"})
FIRST_PERSON = frozenset({"je", "j'", "nous", "on"})
# A wish verb before a verb of saying is a formula that introduces what is said, not a
# request: "je souhaite signaler que...", "je voudrais remercier la PMI", "j'aimerais dire".
SAYING_VERBS = frozenset({
    "signaler", "dire", "remercier", "temoigner", "exprimer", "informer", "souligner",
    "saluer", "feliciter", "alerter", "rappeler", "partager", "raconter", "expliquer",
    "denoncer", "faire", "porter", "attirer", "preciser", "indiquer",
})
OBJECT_PRONOUNS = frozenset({"vous", "te", "leur", "lui", "nous", "le", "la", "les", "l'", "ici"})
WISH_VERBS = frozenset({
    "aimerais", "aimerait", "aimerions", "aimerai", "voudrais", "voudrait", "voudrions", "voudrai",
    "souhaite", "souhaitons", "souhaiterais", "souhaiterait", "souhaiterions", "souhaiterai",
})


def _saying_formula(toks, j, b):
    """toks[j] is a wish verb introducing a verb of saying ("je souhaite vous signaler")."""
    k = j + 1
    while k < b and toks[k] in OBJECT_PRONOUNS:
        k += 1
    if k >= b or toks[k] not in SAYING_VERBS:
        return False
    # "faire part", "porter à votre connaissance", "attirer votre attention": only these
    if toks[k] == "faire":
        return k + 1 < b and toks[k + 1] == "part"
    if toks[k] == "porter":
        return k + 2 < b and toks[k + 1] == "a" and toks[k + 2] in ("votre", "ta", "leur")
    if toks[k] == "attirer":
        return k + 1 < b and toks[k + 1] in ("votre", "l'")
    return True


# "La France doit maintenir...", "les assistantes sociales doivent vraiment être formées":
# a duty verb then an infinitive (adverbs between) is a demand, unless its subject is the
# writer ("on doit attendre trois mois": a complaint about what one has to do).
DUTY_VERBS = frozenset({"doit", "doivent", "devra", "devront"})
DUTY_NOT_AFTER = frozenset({"on", "je", "j'", "nous", "tu"})
# Proposal nouns that open a sentence: "Création d'un...", "Mise en place de..."
PROPOSAL_OPENERS = frozenset({
    "creation", "creer", "mise", "renforcement", "renforcer", "augmentation", "davantage",
    "formation", "developpement", "installation", "ouverture", "multiplication",
    "instauration", "generalisation", "obligation", "interdiction", "sensibilisation",
    # issue 16, real texts (training part): proposals written as nouns ("Suppression des...",
    # "Harmonisation des taux...", "Allocations familiales sous conditions": see acts' docs)
    "acceptation", "harmonisation", "suppression", "limitation", "reduction", "simplification",
    "privatisation", "nationalisation", "revalorisation", "amelioration", "hausse", "baisse",
    "gratuite", "remboursement", "maintien", "fusion", "regroupement", "extension",
    "allongement", "abaissement", "diminution", "embauche", "recrutement",
    "rehaussement", "relevement", "plafonnement", "exoneration", "simplifier",
})
# "Pour une meilleure harmonisation...", "Pour plus de...": a proposal's purpose opening it.
PURPOSE_OPENERS = frozenset({"meilleur", "meilleure", "meilleurs", "meilleures", "plus"})
# Where a list item opens inside a sentence ("Santé : - Augmenter le nombre...", "a|b|c").
ITEM_MARKS = frozenset({":", ";", "-", "|", "•", "*"})
# Words in -er / -ir / -re that open sentences but are not infinitives.
NOT_INFINITIVES = frozenset({
    "hier", "mer", "fer", "cher", "premier", "dernier", "super", "hiver", "enfer", "leger",
    "amer", "ver", "cancer", "quartier", "janvier", "fevrier", "papier", "dossier", "loyer",
    "foyer", "metier", "cahier", "chantier", "escalier", "palier", "atelier", "soir", "noir",
    "avenir", "desir", "plaisir", "loisir", "sourire", "autre", "notre", "votre", "entre",
    "contre", "centre", "lettre", "maitre", "pere", "mere", "frere", "libre", "propre",
    "pauvre", "genre", "ordre", "titre", "nombre", "membre", "elever", "ce", "bonjour",
    "voir",  # "voir" opens "voir ci-dessus", rarely a proposal
    "leur", "sur", "pour", "par", "car", "or", "alors", "encore", "comme", "pire", "faire",
    "tour", "cour", "jour", "retour", "four", "heure", "beurre", "colere", "misere",
    "galere", "priere", "maire", "notaire", "salaire", "horaire", "scolaire", "commissaire",
    "secretaire", "locataire", "proprietaire", "dentiste", "courrier", "ouvrier", "policier",
    "pompier", "infirmier", "boulanger", "etranger", "danger", "manger",
})
INFINITIVE_RE_VERBS = frozenset({
    "mettre", "remettre", "permettre", "prendre", "reprendre", "apprendre", "rendre",
    "faire", "refaire", "dire", "interdire", "inscrire", "reduire", "construire",
    "produire", "introduire", "detruire", "instruire", "combattre", "battre", "suivre",
    "poursuivre", "vivre", "ecrire", "lire", "soumettre", "promettre", "admettre",
})
# What follows an infinitive that opens a proposal: its object or a preposition.
AFTER_INFINITIVE = frozenset({
    "le", "la", "les", "l'", "un", "une", "des", "du", "de", "d'", "plus", "davantage",
    "au", "aux", "a", "en", "systematiquement", "mieux", "tous", "toutes", "chaque",
    "ces", "leurs", "nos", "vos", "obligatoirement", "rapidement", "enfin", "vraiment",
    "dans", "sur", "pour", "avec", "contre", "chez", "aupres", "partout",
    ",",  # "Eduquer, à partir de l'école, la population..."
})
# A verb with its subject after it, in one token: "faudrait-il", "devrait-on", "faudrait-t-il".
INVERTED_SUBJECT = re.compile(r"(?:-t)?-(?:il|elle|on|ils|elles)$")
NUMBERED_ITEM = re.compile(r"^\d+-([a-z]\w*)$")
MORE_OF = 2
LIST_MARKS = frozenset({"-", "*", "•", ")", ".", ":"})

JUDGEMENT = "judgement"
REQUEST = "request"
QUESTION = "question"
INFORMATION = "information"
ACTS = (JUDGEMENT, REQUEST, QUESTION, INFORMATION)


def _is_infinitive(tok):
    if tok in NOT_INFINITIVES or not tok.isalpha() or len(tok) < 4:
        return False
    if tok.endswith("re"):
        return tok in INFINITIVE_RE_VERBS
    return tok.endswith(("er", "ir"))


def opener(toks, a, b, mention_at=None):
    """What opens the clause toks[a:b]: (opens_as_request: True / False / MORE_OF, is_question).
    `mention_at` (token -> mention index or -1): an infinitive then a name ("Privatiser
    Pôle emploi", "Supprimer Parcoursup") opens a proposal like an infinitive then "la"."""
    i = a
    while i < b and (toks[i] in LIST_MARKS or toks[i].isdigit()):
        i += 1
    t0 = toks[i] if i < b else ""
    t1 = toks[i + 1] if i + 1 < len(toks) else ""
    t2 = toks[i + 2] if i + 2 < len(toks) else ""
    numbered = NUMBERED_ITEM.match(t0)
    if numbered:  # "3-Un accès plus efficace...": one token for the number and the item's first word
        t0 = numbered.group(1)
    if t0 in ("plus", "moins", "davantage") and t1 in ("de", "d'"):
        r = MORE_OF  # a proposal unless the sentence complains ("plus d'animateurs depuis...")
    else:
        named = mention_at is not None and i + 1 < len(mention_at) and mention_at[i + 1] >= 0
        r = ((_is_infinitive(t0) and (t1 in AFTER_INFINITIVE or (t1.endswith("ment") and len(t1) > 5)
                                      or _is_infinitive(t1) or named))  # "Pouvoir prendre le bus", "Faire payer..."
             or (t0 == "faire" and _is_infinitive(t1))
             or t0 in PROPOSAL_OPENERS
             or (t0 == "pour" and t1 in ("une", "un", "des", "plus") and (t1 == "plus" or t2 in PURPOSE_OPENERS))
             # "Une meilleure prise en charge des...", "Mieux former la police", "Que la CAF verse..."
             or (t0 in ("une", "un", "des") and t1 in PURPOSE_OPENERS and t1 != "plus")
             or (t0 == "mieux" and _is_infinitive(t1))
             or (t0 in ("que", "qu'") and i == a and t1 not in ("dire", "faire", "de", "d'", "c'", "ce"))
             or (t0 == "pourquoi" and t1 in ("ne", "pas", "n'") and t2 in ("pas", "pourrait", "")))
    return r, t0 == "est-ce" or (t0 == "est" and t1 == "-" and t2 == "ce")


def sentence_flags(toks, clauses, mention_at=None):
    """Per sentence: (is_question, opens_as_request)."""
    flags = {}
    for a, b, s, _ in clauses:
        q, r = flags.get(s, (False, None))
        if r is None:
            # the first clause of the sentence: what opens it
            r, opens_question = opener(toks, a, b, mention_at)
            q = q or opens_question
        if b < len(toks) and "?" in toks[b]:
            q = True
        flags[s] = (q, r)
    return flags


def clause_is_request(toks, a, b, opens_request):
    if opens_request:
        return True
    for j in range(a, b):
        t = toks[j]
        if "-" in t:
            verb = INVERTED_SUBJECT.sub("", t)  # "Sans doute faudrait-il...", "devrait-il"
            if verb != t and verb in DUTY_VERBS and t.endswith("-on"):
                continue  # "pourquoi doit-on payer": the writer's duty, a complaint
            t = verb
        if t in REQUEST_WORDS:
            if t in WISH_VERBS and _saying_formula(toks, j, b):
                continue
            if (t in FIRST_PERSON_ONLY and not (j + 1 < b and toks[j + 1] in ("que", "qu'"))
                    and not any(x in FIRST_PERSON for x in toks[max(a, j - 3):j])):
                continue
            return True
        if j + 1 < b and (t, toks[j + 1]) in REQUEST_PAIRS and t != "ne":
            return True
        if t in DUTY_VERBS and (j == a or toks[j - 1] not in DUTY_NOT_AFTER):
            k = j + 1
            while k < b and k < j + 3 and toks[k].endswith("ment"):
                k += 1
            if k < b and (_is_infinitive(toks[k]) or toks[k] in ("etre", "avoir")):
                return True
    return False

"""A person's health: "elle est diabétique", "son fils est autiste", "il sort de chimio".

Health words are kept when they are the topic ("le diabète touche beaucoup de familles",
"un centre de dialyse", "les personnes en fauteuil roulant"), and scrubbed when their
sentence is about a person: a name placeholder, a relative or neighbour ("mon fils",
"la petite du 3e"), a pronoun ("elle prend des antidépresseurs"), or the writer ("je suis",
"j'ai"). Rather than a list of sentences, three vocabularies (docs/privacy.md):

- states said of a person (`diabétique`, `sourd`, `hyperactif`, `greffé du rein`);
- conditions, treatments and aids, with what introduces and qualifies them (`sous dialyse`,
  `en fauteuil roulant`, `crises d'épilepsie`, `problèmes cardiaques`, `maladie de Crohn`,
  `cancer du côlon`);
- any medical-looking word (`-ite`, `-ose`, `-émie`, `-pathie`...) right after "a une",
  "souffre d'une", "hospitalisé pour" ("il a fait une méningite");
- and, in a sentence about someone, any of the 5,000 illnesses and medicines of
  `health_terms_fr.txt` (French ICD-10 labels and ATC drug names, from edsnlp's resources:
  "sa sciatique", "il prend du Spasfon"), with what qualifies them.
"""
import re
from functools import lru_cache
from pathlib import Path

from . import lexicons
from .rules import HEALTH

HEALTH_TERMS_TXT = Path(__file__).resolve().parent / "health_terms_fr.txt"

_F = r"(?:e|é|ée)?s?"  # feminine / plural endings of an adjective or participle
_ORGAN = (
    r"(?:poumons?|sein|seins|foie|pied|pieds|jambes?|bras|mains?|[œo]e?il|yeux|c[œo]e?ur|reins?|"
    r"c[ôo]lon|cerveau|peau|prostate|estomac|pancr[ée]as|gorge|dos|hanches?|genoux?|os|sang|"
    r"ut[ée]rus|ovaires?|thyro[ïi]de|vessie|intestins?|moelle|rate|cou|c[ôo]t[ée]\s+(?:gauche|droit)|"
    r"orteils?|doigts?|f[ée]mur|poignets?|chevilles?|[ée]paules?|bassin|cr[âa]ne|colonne(?:\s+vert[ée]brale)?|"
    r"t[êe]te|visage|ventre|nez|oreilles?|dents?|amygdales)"
)
# "à l'arachide", "aux noix", "au protoxyde d'azote"
_TO_SOMETHING = r"(?:[àa]\s+l['’]|[àa]\s+la\s+|aux?\s+|[àa]\s+)[\w-]+(?:\s+d['’][\w-]+)?"
# Said of a person: "elle est diabétique", "mon fils autiste".
_STATE = (
    r"diab[ée]tiques?|autistes?|asthmatiques?|[ée]pileptiques?|s[ée]ropositi(?:f|ve)s?|"
    r"dialys[ée]e?s?|greff[ée]e?s?|amput[ée]e?s?|paralys[ée]e?s?|h[ée]mipl[ée]giques?|"
    r"parapl[ée]giques?|t[ée]trapl[ée]giques?|myopathes?|trisomiques?|bipolaires?|"
    r"schizophr[èe]nes?|d[ée]pressi(?:f|ve)s?|anorexiques?|boulimiques?|hyperacti(?:f|ve)s?|"
    r"alcooliques?|toxicomanes?|aveugles?(?!\s+(?:à|aux|au)\s)|non[- ]voyant(?:e|es|s)?|malvoyant(?:e|es|s)?|"
    r"(?<!bruit\s)(?<!bruits\s)sourd(?:e|es|s)?(?!\s+(?:à|aux|au)\s)|malentendant(?:e|es|s)?|muet(?:te|tes|s)?|(?:poly)?handicap[ée]e?s?|"
    r"ob[èe]ses?|(?<!l')(?<!l’)(?<!une\s)(?<!son\s)(?<!sa\s)(?<!ses\s)(?<!les\s)(?<!des\s)(?<!leur\s)(?<!cette\s)enceintes?(?:\s+de\s+(?:\d+\s+(?:mois|semaines)|jumeaux|jumelles|tripl[ée]s))?|dyslexiques?|dyspraxiques?|dysphasiques?|psychotiques?|"
    r"immunod[ée]prim[ée]e?s?|insulino-?d[ée]pendant(?:e|es|s)?|grabataires?|alit[ée]e?s?|"
    r"cardiaques?|canc[ée]reu(?:x|se|ses)|"
    # mood and self-harm; an organ's illness or operation ("malade des reins", not "enfant malade")
    r"d[ée]prim[ée]e?s?|scarifi[ée]e?s?|suicidaires?|"
    rf"malades?\s+(?:du|de\s+la|des|de\s+les|d['’]une?|de\s+l['’]|aux?)\s*{_ORGAN}|"
    rf"op[ée]r[ée]e?s?(?=\s+(?:du|de\s+la|des|d['’]une?|de\s+l['’]|au|aux)\s*{_ORGAN})|"
    # a stay or a follow-up: "hospitalisée 10 jours", "suivi par un psy", "gardé en observation"
    r"hospitalis[ée]e?s?(?:\s+(?:en\s+(?:psychiatrie|urgence|r[ée]animation|[a-zéè]+logie)|\d+\s+(?:jours?|semaines?|mois)))?|"
    r"suivie?s?\s+(?:par\s+(?:un|une|le|la)\s+psy\w*|en\s+psychiatrie)|gard[ée]e?s?\s+en\s+observation|"
    # what someone is hooked on or allergic to: "accro au protoxyde d'azote", "allergique aux arachides"
    rf"(?:accros?|addicts?|allergiques?)\s+{_TO_SOMETHING}|"
    # a birth: "elle a accouché", "né prématuré"
    r"accouch(?:[ée]e?|e|era|ait|er)|pr[ée]matur[ée]e?s?|"
    # a hearing aid or a cast: "appareillée", "plâtré"
    r"appareill[ée]e?s?|pl[âa]tr[ée]e?s?|"
    # hurt: "mordu au doigt", "blessée à la tête"
    rf"(?:mordu|bless[ée]|br[ûu]l[ée]|coup[ée]|piqu[ée]|frapp[ée])e?s?\s+(?:au|aux|[àa]\s+la|[àa]\s+l['’])\s*{_ORGAN}|"
    r"diabetic|autistic|asthmatic|epileptic|anorexic|dyslexic|schizophrenic|disabled|blind|deaf|paralysed|"
    r"paralyzed|pregnant"
)
# Conditions, treatments and aids: nouns, with what introduces them.
_NOUN = (
    r"diab[èe]te|autisme|asthme|cancers?|leuc[ée]mie|lymphome|tumeurs?|sida|vih|h[ée]patite(?:\s+[abc])?|"
    r"tuberculose|alzheimer|parkinson|avc|infarctus|crise\s+cardiaque|[ée]pilepsie|d[ée]pression|"
    r"burn-?out|schizophr[ée]nie|bipolarit[ée]|anorexie|boulimie|hyperactivit[ée]|tdah|tsa|"
    r"trisomie(?:\s+21)?|myopathie|mucoviscidose|dr[ée]panocytose|thalass[ée]mie|"
    r"scl[ée]rose\s+en\s+plaques|scl[ée]rose\s+lat[ée]rale|sla|lupus|fibromyalgie|polyarthrite|"
    r"arthrose|ost[ée]oporose|endom[ée]triose|insuffisance\s+(?:r[ée]nale|cardiaque|respiratoire|"
    r"h[ée]patique)|covid(?:\s+long)?|pneumonie|bronchite(?:\s+chronique)?|bpco|hypertension|"
    r"ob[ée]sit[ée]|an[ée]mie|dyslexie|dyspraxie|surdit[ée]|c[ée]cit[ée]|paralysie|"
    rf"addictions?(?:\s+{_TO_SOMETHING})?|"
    r"alcoolisme|toxicomanie|d[ée]mence|psychose|phobie|migraines?|cirrhose|hernie\s+discale|"
    r"fausse\s+couche|grossesse|overdoses?|pacemaker|stimulateur\s+cardiaque|dmla|"
    r"\d+\s+jours\s+d['’]itt|cure\s+de\s+d[ée]sintox(?:ication)?|d[ée]sintox|tentative\s+de\s+suicide|"
    r"id[ée]es\s+noires|malades?\s+(?:d['’]\s*)?(?:alzheimer|parkinson)|(?<=\ben\s)ehpad|"
    rf"(?:s['’](?:est|[ée]tait)\s+)?cass[ée]e?s?\s+(?:le|la|les|l['’])\s*(?:col\s+du\s+)?{_ORGAN}|"
    r"(?:(?<=\bson\s)|(?<=\bsa\s)|(?<=\bmon\s)|(?<=\bma\s)|(?<=\bleur\s))infirmi[èe]re|en\s+r[ée]animation|en\s+soins\s+(?:intensifs|palliatifs)|"
    r"(?<=est\s)[àa]\s+l['’]h[ôo]pital|(?<=[ée]tait\s)[àa]\s+l['’]h[ôo]pital|"
    rf"fractures?\s+(?:du|de\s+la|des|d['’]une?|de\s+l['’]|au|aux)\s*(?:col\s+du\s+)?{_ORGAN}|"  # not "fracture sociale"
    rf"(?:{_ORGAN})(?:\s+(?:droite?|gauche))?\s+(?:cass|ab[îi]m|fractur|lux|bloqu|pl[âa]tr)[ée]e?s?|"
    # someone's disability rate, or "en invalidité"; not "une pension d'invalidité" (a benefit)
    r"invalidit[ée]\s+(?:de\s+|[àa]\s+)?\d+\s*%|(?<=\ben\s)invalidit[ée]|"
    r"taux\s+d['’]incapacit[ée](?:\s+(?:de\s+)?\d+\s*%)?|"
    r"(?:fume|fumait|prend|prenait|consomme|consommait|sniffe)\s+(?:du|de\s+la|de\s+l['’]|des)\s+"
    r"(?:crack|coca[ïi]ne|coke|h[ée]ro[ïi]ne|cannabis|shit|beuh|drogues?|ecstasy|protoxyde(?:\s+d['’]azote)?)|(?:en\s+)?arr[êe]t\s+maladie|choc\s+anaphylactique|[œo]e?d[èe]me\s+de\s+quincke|"
    rf"allergies?(?:\s+(?:grave|s[ée]v[èe]re|alimentaire))?(?:\s+{_TO_SOMETHING}|\s*:\s*[\w-]+)?|handicap(?:\s+(?:moteur|mental|visuel|auditif|psychique|cognitif|lourd))?|"
    r"dialyse|chimio(?:th[ée]rapie)?|radioth[ée]rapie|m[ée]thadone|insuline|sous\s+oxyg[èe]ne|"
    r"antid[ée]presseurs|anxiolytiques|neuroleptiques|morphine|r[ée][ée]ducation|en\s+psychiatrie|"
    r"sous\s+traitement|pathologies?|en\s+fauteuil(?:\s+roulant)?|fauteuil\s+roulant|d[ée]ambulateur|b[ée]quilles|proth[èe]ses?|appareil\s+auditif|"
    rf"canne\s+blanche|(?<!le\s)(?<!au\s)greffe(?:\s+(?:du|de\s+la|d['’]une?|de)\s*{_ORGAN})?|"
    r"(?:maladie|syndrome)\s+(?:de\s+|d['’])\s*[A-ZÀ-Þ][\w-]+(?:\s+(?:de\s+la\s+)?[A-ZÀ-Þ][\w-]+)?|"
    r"maladie\s+(?:rare|orpheline|chronique|g[ée]n[ée]tique|grave|mentale|psychiatrique|"
    r"neurologique|d[ée]g[ée]n[ée]rative|auto-?immune|incurable|cardiaque|du\s+\w+)|"
    r"(?:crises?|attaques?)\s+(?:d['’ ]|de\s+)\s*(?:[ée]pilepsie|angoisse|panique|asthme|[ée]pilepsie)|"
    r"(?:probl[èe]mes?|troubles?)\s+(?:cardiaques|de\s+c[œo]e?ur|respiratoires|psychiatriques|"
    r"psychologiques|psychiques|mentaux|de\s+sant[ée](?:\s+mentale)?|r[ée]naux|de\s+dos|d['’]alcool|de\s+drogues?|"
    r"neurologiques|autistiques|bipolaires|du\s+comportement|de\s+l['’]attention|"
    r"du\s+spectre\s+autistique|d['’]audition|de\s+vue|cognitifs|anxieux|alimentaires)|"
    # everyday illnesses, and what treats them: "il a la varicelle", "sa ventoline"
    r"varicelle|rougeole|oreillons|coqueluche|scarlatine|grippe|gastro(?:-?ent[ée]rite)?|angine|otite|"
    r"ecz[ée]ma|psoriasis|emphys[èe]me|apn[ée]es?\s+du\s+sommeil|glaucome|cataracte|h[ée]morragie|"
    r"embolie(?:\s+pulmonaire)?|thrombose|phl[ée]bite|an[ée]vrisme|cholest[ée]rol|rhumatismes?|sciatique|"
    r"lombalgie|tendinite|entorse|luxation|commotion(?:\s+c[ée]r[ée]brale)?|traumatisme\s+cr[âa]nien|"
    r"(?<=\bdans\sle\s)coma|b[ée]gaiement|insomnies?|gale|stress\s+post-?traumatique|angoisses|"
    r"(?<=\ba\s)(?<!y\sa\s)de\s+la\s+tension|(?<=\bai\s)de\s+la\s+tension|sonde(?:\s+urinaire|\s+gastrique)?|"
    r"dans\s+le\s+pl[âa]tre|pl[âa]tre\s+\d+\s+(?:jours|semaines|mois)|points\s+de\s+suture|c[ée]sarienne|"
    r"infections?|bronchiolites?|surpoids|parano(?:[ïi]a)?|[œo]e?il\s+au\s+beurre\s+noir|"
    r"perdu\s+(?:le|son|leur|mon|notre)\s+b[ée]b[ée]|arr[êe]t[ée]e?\s+(?:le|son|sa|ses)\s+traitement|"
    rf"mal\s+(?:au|aux|[àa]\s+la|[àa]\s+l['’])\s*{_ORGAN}|"
    r"ventoline|ritaline|somnif[èe]res?|doliprane|levothyrox|xanax|lexomil|subutex|kardegic|"
    r"anticoagulants?|cortico[ïi]des|cortisone|antibiotiques|tramadol|seresta|temesta|stilnox|imovane|"
    r"d[ée]pakine|risperdal|abilify|deroxat|prozac|seroplex|laroxyl|lyrica|calmants|"
    # a stay in a ward: "elle est en cardiologie"
    r"(?<=\ben\s)(?:cardiologie|pneumologie|oncologie|neurologie|rhumatologie|n[ée]phrologie|"
    r"h[ée]matologie|g[ée]riatrie|p[ée]dopsychiatrie|maternit[ée]|orthop[ée]die|n[ée]onat\w*|r[ée]a)|"
    # an operation or a treatment of an organ: "opération de la hanche", "traitement pour le coeur"
    r"(?:op[ée]rations?|interventions?|chirurgies?|traitements?)\s+(?:du|de\s+la|des|de\s+l['’]|de|au|aux|"
    rf"pour\s+(?:le|la|les|l['’]|son|sa|ses))\s*{_ORGAN}|"
    # an organ's trouble: "un problème aux reins", "des soucis au coeur"
    rf"(?:probl[èe]mes?|soucis?)\s+(?:au|aux|[àa]\s+la|[àa]\s+l['’])\s*{_ORGAN}|"
    # care that recurs, an aid to walk, falls: "prises de sang", "marche avec deux cannes",
    # "elle a des chutes"
    r"(?:prises?|analyses?)\s+de\s+sang|"
    r"(?:marche|marchait|marchent|se\s+d[ée]place)\s+(?:avec|en)\s+(?:une?|deux|des|sa|ses|son)?\s*"
    r"(?:cannes?|b[ée]quilles|d[ée]ambulateur)|"
    r"(?<=\ba\s)des\s+chutes|(?<=\bfait\s)des\s+chutes|"
    # what someone can no longer do for themselves ("il ne peut plus se laver seul"), not
    # what a broken lift or a closed office stops ("ne peut plus monter les escaliers")
    r"(?:ne|n['’])\s*(?:peut|peux|pouvait|arrive|arrivait)\s+plus\s+(?:[àa]\s+)?(?:se\s+laver|s['’]habiller|"
    r"marcher|se\s+lever|manger\s+seule?|aller\s+aux\s+toilettes)(?:\s+seule?s?)?|"
    r"(?:ne|n['’])\s*(?:voit|entend)\s+(?:presque\s+)?plus\s+rien|(?:ne|n['’])\s*reconna[îi]t\s+plus\s+personne|"
    r"ne\s+mange\s+(?:presque\s+|plus\s+)?rien|"
    # withdrawn or kept lying down: "il ne sort plus de sa chambre", "rester allongée"
    r"(?:ne\s+)?sort\s+plus\s+(?:de\s+sa\s+chambre|de\s+son\s+lit|du\s+lit)|rester\s+allong[ée]e?s?|"
    # a function that has become hard: "il a du mal à marcher", "des difficultés à respirer"
    r"(?:du\s+mal|des\s+difficult[ée]s|de\s+la\s+peine)\s+[àa]\s+(?:marcher|respirer|se\s+lever|se\s+d[ée]placer|"
    r"voir|entendre|parler|avaler|dormir|se\s+concentrer)|"
    # drinking or drugs said of someone: "elle boit, on l'entend" (not "il boit un café")
    r"(?:il|elle)\s+(?:boit|picole)\s+(?:trop|beaucoup|tous\s+les\s+jours)|"
    r"(?:il|elle)\s+(?:boit|picole|se\s+drogue)(?=\s*(?:[,.;:!?]|$|et\s+(?:il|elle)\b))|"
    # a medicine told by what it does: "des médicaments qui la font dormir"
    r"m[ée]dicaments?\s+qui\s+(?:la|le|les|me|lui|leur)\s+(?:font|fait|rendent|rend)\s+[\w-]+|"
    # wanting to die: "il veut en finir" (not "en finir avec les rats"), "elle a fait une tentative"
    r"(?:veut|voulait|voudrait|veux|parle\s+d['’])\s*en\s+finir(?!\s+avec\s+(?!la\s+vie))|"
    r"(?<=\bfait\sune\s)tentative(?!\s+d)|(?<=\bune\s)ts\b|"
    r"diabetes|autism|asthma|dementia|depression|epilepsy|stroke|(?:kidney\s+)?dialysis|chemo(?:therapy)?|"
    r"sickle[\s-]+cell(?:\s+(?:disease|anemia|anaemia))?|bronchitis|pneumonia|tuberculosis|hepatitis|"
    r"(?:heart|kidney|lung|liver)\s+(?:disease|failure|attack|condition|problems?)|anxiety|adhd|"
    r"mental\s+illness|(?:shakes|trembles)(?:\s+a\s+lot)?|"
    r"(?:cut|broke|burnt|burned|hurt|injured|sprained)\s+(?:his|her|their|my)\s+(?:hand|arm|leg|foot|head|back|"
    r"knee|ankle|wrist|hip|finger)(?:\s+(?:badly|again))?|"
    r"(?:high\s+)?blood\s+pressure|leuka?emia|multiple\s+sclerosis|schizophrenia|cerebral\s+palsy|"
    r"down['’]?s?\s+syndrome|seizures|panic\s+attacks|ptsd|medication|allerg(?:y|ies|ic\s+to\s+[\w-]+)|"
    r"surgery(?:\s+on\s+(?:his|her|my|their)\s+[\w-]+)?|(?<=\bin\s)hospital|"
    r"hiv|aids|(?:a\s+)?wheelchair|"
    # Arabic: asthma, diabetes, cancer, blood pressure, depression, epilepsy, autism, pregnant
    r"(?:ب|و)?(?:الربو|السكري|السكر|السرطان|الضغط|الاكتئاب|اكتئاب|الصرع|التوحد)|حامل|مريضة?|إعاقة|اعاقة|معاقة?"
)
_QUALIFIER = (
    r"(?:\s+(?:s[ée]v[èe]re|chronique|grave|aigu[ëe]?|avanc[ée]e?|lourde?|l[ée]g[èe]re?|"
    r"pr[ée]coce|post-?partum|du\s+post-?partum|postnatale?|de\s+type\s+\d|type\s+\d|insulino-?d[ée]pendante?|terminale?|m[ée]tastatique|"
    r"roulant|[ée]lectrique|sous\s+oxyg[èe]ne|[a-zéèêï]{3,}(?:ible|ique|aire|ale|elle|ive|euse|is[ée]e?))(?![\w-])"
    rf"|\s+(?:du|de\s+la|des|d['’]une?|de\s+l['’]|de|[àa]\s+la|au|aux)\s*(?:deux\s+)?{_ORGAN}"
    rf"|\s+(?:et|ou)\s+(?:{_STATE})(?!\w)"
    r"|\s+(?:[àa]\s+r[ée]p[ée]tition|[àa]\s+\d+\s+(?:mois|semaines)|par\s+c[ée]sarienne)"
    # where it is treated, right after the condition: "sous méthadone au CSAPA" (a CMP named
    # alone stays: it is an institution residents talk about)
    r"|\s+(?:au|en)\s+(?:CSAPA|CMPP?|CATTP|h[ôo]pital\s+de\s+jour)(?![\w-])"
    rf"|\s+(?:pour|depuis|apr[èe]s|suite\s+[àa]|[àa]\s+cause\s+d['’]une?|[àa]\s+cause\s+de)\s+"
    rf"(?:son|sa|ses|un|une|le|la|l['’]|d['’]une?)?\s*(?:{_NOUN})(?!\w))*"
)
# What introduces a treatment or a condition, kept inside the placeholder: "sous dialyse",
# "en fauteuil roulant", "atteinte d'un" stays outside ("elle est atteinte d'[santé]").
_INTRO = (r"(?:(?:sous|en)\s+(?=(?:dialyse|chimio|m[ée]thadone|insuline|antid|morphine|r[ée][ée]duc|radio))"
          # a treatment or a stay for a condition: "son traitement pour la schizophrénie"
          r"|(?:traitements?|m[ée]dicaments?|soins|cure|hospitalisation|op[ée]ration)\s+(?:pour|contre)\s+"
          r"(?:la\s+|le\s+|les\s+|l['’]|son\s+|sa\s+|ses\s+|une?\s+)?"
          r"|d[ée]but\s+(?:d['’]|de\s+)"
          # "opéré d'un cancer"
          r"|op[ée]r[ée]e?s?\s+(?:d['’]une?\s+|d['’]|de\s+la\s+|de\s+l['’]|du\s+|des\s+))?"
          # "une grosse dépression", "une forte fièvre"
          r"(?:(?:grosses?|gros|graves?|fortes?|l[ée]g[èe]res?|s[ée]v[èe]res?|vraies?)\s+)?")
# Any medical-looking noun right after a verb that gives it to someone ("il a fait une
# méningite", "souffre d'une tendinite", "hospitalisée pour une pneumonie").
_GIVEN = (
    r"(?:\b(?:a|ai|as|avait|ont|a\s+eu|ai\s+eu|a\s+fait|ai\s+fait|fait|faisait|souffre|souffrait|"
    r"atteinte?s?|hospitalis[ée]e?s?|soign[ée]e?s?|op[ée]r[ée]e?s?|trait[ée]e?s?|suivie?s?|has|had)"
    r"\s+(?:de\s+|d['’]|pour\s+|d['’]une?\s+|pour\s+une?\s+|une?\s+|des\s+|la\s+|le\s+|l['’]|a\s+|an\s+))"
)
_MEDICAL_SUFFIX = r"[a-zéèêïî-]{3,}(?:ite|itis|ose|ome|[ée]mie|pathie|pl[ée]gie|algie|phr[ée]nie|phobie)s?"
_NOT_MEDICAL = frozenset(
    "réussite faillite poursuite conduite visite limite favorite marmite dynamite termite "
    "pépite guérite invite petite gratuite subite maudite interdite écrite inscrite prescrite "
    "produite construite réduite traduite élite ermite hypocrite parasite satellite mérite "
    "suite fuite truite frite cuite chose dose pose rose cause prose osmose glucose "
    "overdose autonome économe diplome diplôme agronome académie épidémie pandémie "
    "sympathie empathie antipathie télépathie nostalgie homophobie xénophobie islamophobie "
    "grossophobie négrophobie".split()
)

_ADJ_RE = rf"(?<![\w-])(?:(?:[àa]\s+moiti[ée]|presque|compl[èe]tement|totalement)\s+)?(?:{_STATE})(?![\w-]){_QUALIFIER}"
_NOUN_RE = rf"(?<![\w-]){_INTRO}(?:{_NOUN})(?![\w-]){_QUALIFIER}"
_CONDITION_RE = re.compile(rf"(?i:{_NOUN_RE}|{_ADJ_RE})")
_GIVEN_RE = re.compile(rf"(?i:{_GIVEN}(?P<word>{_MEDICAL_SUFFIX})(?![\w-]))")

_KIN = (
    r"(?:(?:petit|petite|grand|grande|beau|belle|demi)[- ])?(?:fils|filles?|enfants?|gar[çc]ons?|"
    r"b[ée]b[ée]s?|mari|femme|[ée]poux|[ée]pouse|voisine?s?|fr[èe]res?|s[œo]e?urs?|m[èe]re|p[èe]re|"
    r"maman|papa|mamie|papi|cousine?s?|oncle|tante|neveu|ni[èe]ce|amie?s?|coll[èe]gues?|"
    r"locataire|compagnon|compagne|copain|copine|pote|ado|gamine?|patient|cadette?|a[îi]n[ée]e?)"
)
_PERSON = re.compile(
    r"(?i:\[nom\]"
    rf"|\b(?:mon|ma|mes|ton|ta|tes|son|sa|ses|notre|nos|votre|vos|leur|leurs)\s+{_KIN}\b"
    rf"|\b(?:le|la|un|une|cette|ce)\s+(?:petite?|jeune|vieille|vieux|dame|monsieur|gardienne?|"
    rf"voisine?|fils|fille)\b(?!\s+(?:le|la)\s)"
    # A pronoun about someone, not "il faut", "il y a", "il est important de".
    r"|\b(?:il|elle|ils|elles)\s+(?!(?:y|n['’]y|ne\s+(?:faut|fallait|reste|suffit|manque)|faut|faudrait|fallait|paraît|parait|semble|s['’]agit|"
    r"suffit|manque|existe|reste|pleut|vaut|est\s+(?:temps|important|urgent|n[ée]cessaire|"
    r"possible|impossible|difficile|dommage|interdit|normal|clair|vrai|[ée]vident|inadmissible|"
    r"inacceptable|honteux|indispensable|grand\s+temps))\b)\w"
    r"|\bje\b|\bj['’]|\bj\s+(?:ai|avais|suis|[ée]tais)\b|\bmoi\b|\bon\s+a\b|\bnous\s+avons\b"
    # a doctor's word is about a patient: "le médecin parle de dépression"
    r"|\b(?:le|la|son|sa|leur|notre)\s+(?:m[ée]decin|docteur|psy|p[ée]diatre|g[ée]n[ée]raliste|neurologue|psychiatre)\s+"
    r"(?:parle|parlait|a\s+parl[ée]|dit|a\s+dit|pense|soup[çc]onne|a\s+diagnostiqu[ée]|a\s+trouv[ée])\b"
    # Arabic: I have, he / she has, my son, my daughter, my husband, my wife, my mother, my father, I
    r"|عندي|عنده|عندها|ابني|ابنتي|بنتي|زوجي|زوجتي|أمي|امي|أبي|ابي|أنا|انا"
    r"|\b(?:he|she|they)\s+(?:is|has|was|had|uses|needs|suffers|can)\b|\bmy\s+\w+|\bi\s+am\b|"
    r"\bi['’]m\b|\bi\s+have\b|\bi['’]ve\b)"
)
# A condition right after these words is a topic or a facility, not someone's health:
# "centre de dialyse", "dépistage du diabète", "les personnes en fauteuil roulant".
_TOPIC_BEFORE = re.compile(
    r"(?i:(?:\b(?:centres?|services?|unit[ée]s?|d[ée]pistages?|d[ée]pister|pr[ée]vention|pr[ée]venir|"
    r"lutte|lutter|campagnes?|associations?|journ[ée]es?|semaines?|mois|ateliers?|consultations?|"
    r"m[ée]decins?|sp[ée]cialistes?|informations?|sensibilisation|recherche|vaccins?|vaccination|"
    r"soins|caf[ée]|tests?|cas|places?|toilettes|wc|parkings?|acc[èe]s|logements?|chambres?|"
    r"rampes?|accessibles?|adapt[ée]e?s?|contre|sur|parler|(?:les|des|aux|pour)\s+(?:personnes|"
    r"gens|malades|patients|familles|habitants|jeunes|enfants|[ée]l[èe]ves|seniors|adultes|"
    r"femmes|hommes|usagers|r[ée]sidents|locataires)|personnes|gens|malades|patients|usagers)"
    r"(?:\s+(?:de\s+la|du|des|de|d['’]|le|la|les|l['’]|aux?|en|pour|contre\s+(?:le|la|les|l['’])))*"
    r"|^\s*(?:le|la|l['’]|les))\s*$)"
)
_OF_SOMEONE = re.compile(r"(?i:^\s*(?:de|d['’]|chez)\s+(?:mon|ma|mes|son|sa|ses|notre|votre|leur|\[nom\]))")
_SENTENCES = re.compile(r"[^.!?\n]+[.!?\n]*")

# Cheap tests first (plain substrings of the lowercased text, found by one trie-shaped
# pattern): most answers name no condition at all, and the big patterns below cost ~0.3 ms
# a text when they run.
_STEMS = tuple("""
diab autis asthm pilep séropo seropo dialys greff amput paralys plégi plegi myopath trisom
bipol schizo dépressi depressi anorex boulim hyperacti alcool toxico aveugle voyant sourd
entendant muet handicap obès obes enceinte dyslex dyspra dysphas psychot immunod insulino
grabataire alité alite cardiaq cancer cancér leucémie leucemie lymphome tumeur sida vih
hépatite hepatite tubercul alzheimer parkinson avc infarctus burn tdah mucovis drépano
drepano thalass sclérose sclerose lupus fibromyalg polyarthr arthrose ostéopor osteopor
endométr endometr insuffisance covid pneumonie bronchite bpco hypertension obésit obesit
anémie anemie surdit cécit cecit addiction démence demence psychose phobie migraine cirrhose
hernie grossesse chimio radioth méthadone methadone insuline antidép antidep anxiolyt
neurolept morphine rééduc reeduc psychiatr patholog déambul deambul béquille bequille prothès
prothes auditif maladie syndrome angoisse panique respirat psycholog psychiq mentaux rénaux
renaux neurolog cognitif anxieux alimentaires diabetes autism asthma dementia depression
epilepsy stroke dialysis chemo wheelchair blind deaf disabled pregnant hospitalis allerg
anaphyla quincke accro addict observation psy malade fractur invalidit incapacit
overdose réanimation reanimation palliatif crack cocaïne cocaine héroïne heroine cannabis shit
beuh drogue ecstasy protoxyde opéré opere hôpital hopital déprim deprim scarifi suicid pacemaker
stimulateur dmla d'itt d’itt désintox desintox ehpad infirmi
accouch prématur prematur mordu bless brûl brul piqué frappé
varicelle rougeole oreillons coqueluche scarlatine grippe gastro angine otite eczéma eczema
psoriasis emphys apnée apnee glaucome cataracte hémorragie hemorragie embolie thrombose phlébite
phlebite anévrisme anevrisme cholest rhumatism sciatique lombalgie tendinite entorse luxation
commotion traumatisme bégaie begaie insomnie stress tension suture
césarienne cesarienne ventoline ritaline somnif doliprane levothyrox xanax lexomil subutex
kardegic anticoagul cortico cortisone antibiotiques tramadol seresta temesta stilnox imovane
dépakine depakine risperdal abilify deroxat prozac seroplex laroxyl lyrica calmants cardiologie
pneumologie oncologie neurologie rhumatologie néphrologie nephrologie hématologie hematologie
gériatrie geriatrie pédopsy pedopsy maternit orthopéd orthoped opérat operat intervention chirurg
tentative sickle bronchitis pneumonia tubercul hepatitis disease failure
heart anxiety adhd illness
الربو السكر السرطان الضغط اكتئاب الصرع التوحد حامل مريض إعاقة اعاقة معاق
""".split()) + ("de santé", "de vue", "de dos", "fausse couche", "canne blanche", "du comportement",
                "sous traitement", "sous oxyg", "attention", " sla", " tsa", " hiv", " aids",
                "en fauteuil", "fauteuil roulant", "fauteuils roulants", "de cœur", "de coeur",
                "arrêt maladie", "arret maladie", "soins intensifs", "idées noires", "idees noires",
                "dos cass", "bras cass", "jambe cass", "pied cass", "main cass", "cassé l", "cassée l",
                "abîm", "abim", "en finir", " ts", "mal a", "mal à", " gale", " coma", " sonde",
                "infection", "bronchiolit", "surpoids", "parano", "beurre noir", "perdu le b", "perdu son b",
                "perdu leur b", "perdu mon b", "perdu notre b", "le traitement", "son traitement", "ses traitement",
                "neonat", "néonat", "en réa", "en rea", "appareill", "kidney", "lung", "liver",
                "plâtr", "platr", "coke", "coupé a", "coupée a", "coupé à", "coupée à", "coupe a", "coupe à", "coupee a", "coupee à",
                "pique a", "pique à", "piquee a", "piquee à", "frappe a", "frappe à", "frappee a", "frappee à",
                "traitement p", "traitement d", "traitements p", "traitements d",
                "lème au", "lèmes au", "leme au", "lemes au", "lème à", "lèmes à", "leme a", "lemes a",
                "souci au", "soucis au", "souci à", "soucis à", "de sang", "canne", "des chutes", " boit",
                "picole", "se drogue", "cament qui", "caments qui", "shakes", "trembles",
                "blood", "leuk", "sclerosis", "palsy", "syndrome", "seizure", "attacks", "ptsd",
                "medication", "surgery", "in hospital", "plus se laver", "plus s'habiller", "plus s’habiller",
                "plus marcher", "plus se lever", "plus manger seul", "plus aller aux toilettes", "plus rien",
                "plus personne", "mange rien", "mange presque rien", "mange plus rien", "du mal à", "du mal a",
                "difficultés à", "difficultes a", "peine à", "peine a",
                "plus de sa chambre", "plus de son lit", "plus du lit", "allong", " cut ", " broke ", " burn", " hurt ",
                "injured", "sprained", "asthmatic", "epileptic", "anorexic", "dyslexic", "schizophrenic")
# The medical-suffix rule needs a verb that gives a condition and a word ending like one.
_GIVEN_STEMS = ("souffr", "atteint", "hospitalis", "opéré", "opere", "soign", "suivi", "traité",
                "traite", " a un", " a des", " a la", " a le", " a l'", " a l’", " a fait", " a eu",
                "ai un", "ai des", "ai la", "ai le", "ai eu", "ai fait", "avait", " ont ", "has ", "had ")
_SUFFIX = re.compile(r"(?:it|os|om|mi|thi|gi|ni|bi)es?\b|itis\b")


def _substrings(words):
    """A pattern that finds any of ``words`` in a text, built as a trie ("diab", "dialys",
    "dys(?:lex|pra|phas)"): one scan of the lowercased text that tries only the letters a
    stem can start with, four times cheaper than testing each stem with ``in``."""
    trie = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node):
        if "" in node:
            return ""  # a shorter stem ends here: finding it is enough
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items())]
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return re.compile(pattern(trie))


_STEMS_RE = _substrings(_STEMS)
_GIVEN_STEMS_RE = _substrings(_GIVEN_STEMS)


def _is_topic(sentence, match):
    before = sentence[:match.start()]
    if not _TOPIC_BEFORE.search(before):
        return False
    # "Le diabète de ma mère": the topic is someone's.
    return not _OF_SOMEONE.search(sentence[match.end():match.end() + 20])


# "sa dépression", "son diabète", "ses crises d'angoisse": someone's, whatever the sentence.
_POSSESSED = re.compile(r"(?i:\b(?:mon|ma|mes|ton|ta|tes|son|sa|ses|notre|nos|votre|vos|leur|leurs)\s+$)")


def _scrub_sentence(sentence, possessed_only=False):
    def condition(match):
        if possessed_only and not _POSSESSED.search(sentence[:match.start()]):
            return match.group()
        return match.group() if _is_topic(sentence, match) else HEALTH

    def given(match):
        word = match.group("word")
        if word.casefold() in _NOT_MEDICAL or _is_topic(sentence, match):
            return match.group()
        return match.group()[: match.start("word") - match.start()] + HEALTH

    sentence = _CONDITION_RE.sub(condition, sentence)
    return sentence if possessed_only else _GIVEN_RE.sub(given, sentence)


@lru_cache(maxsize=1)
def _listed_terms():
    """Folded names of illnesses and medicines (scripts/health_terms_fr.py)."""
    lines = HEALTH_TERMS_TXT.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


_TERM_WORD = lexicons.WORD
_TERM_SPAN = re.compile(rf"(?i:[^\W\d_]+(?:-[^\W\d_]+)*{_QUALIFIER})")


def _names_a_listed_term(text):
    terms = _listed_terms()
    return any(lexicons.fold(word) in terms for word in _TERM_WORD.findall(text))


def _scrub_listed(sentence, possessed_only):
    """``sentence`` with the listed terms in it replaced, qualifiers included ("une
    sciatique paralysante"), unless they are its topic or, in a sentence about nobody,
    nobody's ("sa sciatique")."""
    terms = _listed_terms()
    out, done = [], 0
    for word in _TERM_WORD.finditer(sentence):
        if word.start() < done or lexicons.fold(word.group()) not in terms:
            continue
        span = _TERM_SPAN.match(sentence, word.start())
        if possessed_only and not _POSSESSED.search(sentence[:span.start()]) or _is_topic(sentence, span):
            continue
        out += [sentence[done:span.start()], HEALTH]
        done = span.end()
    return "".join(out) + sentence[done:] if out else sentence


def scrub(text: str) -> str:
    lowered = text.lower()
    conditions = bool(_STEMS_RE.search(lowered))
    given = bool(_GIVEN_STEMS_RE.search(lowered)) and bool(_SUFFIX.search(lowered))
    listed = _names_a_listed_term(text)
    if not (conditions or given or listed):
        return text
    out = []
    for sentence in _SENTENCES.findall(text) or [text]:
        named = conditions and _CONDITION_RE.search(sentence) or given and _GIVEN_RE.search(sentence)
        if named or listed:
            nobody = not _PERSON.search(sentence)  # only someone's condition is scrubbed then
            if named:
                sentence = _scrub_sentence(sentence, possessed_only=nobody)
            if listed:
                sentence = _scrub_listed(sentence, possessed_only=nobody)
        out.append(sentence)
    return "".join(out)

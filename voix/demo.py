"""`flask demo`: territories, staff accounts and a survey with past waves, so every
screen has something to show. Run on an empty database (it upgrades the schema first)."""
import random
import uuid
from datetime import datetime, time, timedelta, timezone

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select

from deliberation import demo as deliberation_demo
from insights.store import analyze_pending
from surveys import operations as ops
from surveys.answers import clean_answers
from surveys.models import Answer, Channel, QuestionType, Response, WaveStatus
from voix.about_you import AGE_BRACKETS

from .accounts.cli import create_user
from .accounts.models import Role, User
from .database import begin_write
from .extensions import db
from .models import local_today
from .territories.models import Territory, TerritoryKind

# (slug, name, population) — populations are orders of magnitude from INSEE QPV figures.
TERRITORIES = {
    ("tours", "Tours", 136_000): [
        ("sanitas", "Sanitas", 8_600), ("europe", "Europe", 6_900), ("fontaines", "Fontaines", 5_700),
        ("maryse-bastie", "Maryse Bastié", 2_300), ("rochepinard", "Rochepinard", 1_900),
    ],
    ("joue-les-tours", "Joué-lès-Tours", 38_000): [("rabiere", "Rabière", 3_900)],
    ("saint-pierre-des-corps", "Saint-Pierre-des-Corps", 15_800): [("rabaterie", "La Rabaterie", 2_800)],
}
STAFF = [
    ("admin@voix.example", "Alice Admin", Role.admin, ()),
    ("animation.sanitas@voix.example", "Samir Animateur", Role.facilitator, ("sanitas",)),
    ("animation.rabiere@voix.example", "Rachida Animatrice", Role.facilitator, ("rabiere",)),
    ("moderation@voix.example", "Marc Modérateur", Role.moderator, ("tours",)),
    ("evaluation@voix.example", "Eva Évaluatrice", Role.evaluator, ("metropole",)),
]


def T(fr, en, ar):
    return {"fr": fr, "en": en, "ar": ar}


def O(code, fr, en, ar):
    return {"code": code, "label": T(fr, en, ar)}


QUESTIONS = [
    dict(code="satisfaction", type=QuestionType.smiley, required=True,
         text=T("Dans l'ensemble, comment vous sentez-vous dans votre quartier ?",
                "Overall, how do you feel in your neighbourhood?", "بشكل عام، كيف تشعر في حيّك؟")),
    dict(code="securite", type=QuestionType.agreement,
         text=T("Je me sens en sécurité dans mon quartier le soir.", "I feel safe in my neighbourhood in the evening.",
                "أشعر بالأمان في حيّي في المساء.")),
    dict(code="services", type=QuestionType.multiple_choice,
         text=T("Quels services avez-vous utilisés ces trois derniers mois ?", "Which services have you used in the last three months?",
                "ما هي الخدمات التي استعملتها في الأشهر الثلاثة الأخيرة؟"),
         options=[O("mairie", "La mairie", "The town hall", "البلدية"), O("caf", "La CAF", "CAF (family benefits)", "صندوق المنح العائلية"),
                  O("bailleur", "Le bailleur", "The housing landlord", "المؤجر"), O("centre_social", "Le centre social", "The community centre", "المركز الاجتماعي"),
                  O("epn", "L'espace numérique (EPN)", "The digital space (EPN)", "الفضاء الرقمي")]),
    dict(code="contact_mairie", type=QuestionType.yes_no,
         text=T("Avez-vous eu besoin de contacter la mairie cette année ?", "Did you need to contact the town hall this year?",
                "هل احتجت إلى الاتصال بالبلدية هذا العام؟")),
    dict(code="contact_facile", type=QuestionType.agreement, condition={"question": "contact_mairie", "equals": "yes"},
         text=T("C'était facile d'obtenir une réponse.", "It was easy to get an answer.", "كان من السهل الحصول على رد.")),
    dict(code="priorite", type=QuestionType.single_choice, required=True,
         text=T("Qu'est-ce qui compte le plus pour vous en ce moment ?", "What matters most to you right now?", "ما هو الأهم بالنسبة لك حاليًا؟"),
         options=[O("proprete", "La propreté", "Cleanliness", "النظافة"), O("jeunes", "Les activités pour les jeunes", "Activities for young people", "أنشطة للشباب"),
                  O("logement", "Le logement", "Housing", "السكن"), O("transports", "Les transports", "Transport", "النقل"),
                  O("emploi", "L'emploi", "Jobs", "الشغل")]),
    dict(code="commentaire", type=QuestionType.long_text,
         text=T("Voulez-vous dire quelque chose aux institutions (mairie, CAF, bailleur, police...) ?",
                "Would you like to say something to the institutions (town hall, CAF, landlord, police...)?",
                "هل تريد أن تقول شيئًا للمؤسسات (البلدية، صندوق المنح، المؤجر، الشرطة...)؟")),
]

# Free-text comments by institution: (positive, negative) examples. In later waves the
# mairie and the bailleur are praised more often, so the discourse screens have a planted
# trend to find; the others stay flat.
COMMENTS = {
    "mairie": (
        ["La mairie a enfin réparé l'éclairage de la rue, merci.", "Bravo à la mairie pour la fête de quartier.",
         "Les élus sont venus nous écouter, c'était bien.", "La mairie a bien aidé pour la salle du club."],
        ["On ne voit jamais personne de la mairie dans le quartier.", "La mairie ne répond pas à nos courriers.",
         "La mairie nous a oubliés, rien ne change ici.", "Toujours pas de réponse de la mairie pour les trottoirs."]),
    "bailleur": (
        ["Tours Habitat a vite réparé l'ascenseur, merci.", "Le bailleur a refait la cage d'escalier, c'est propre.",
         "Le gardien de Tours Habitat est super gentil et efficace."],
        ["Le bailleur ne répond jamais quand on signale l'ascenseur en panne.",
         "Tours Habitat devrait nettoyer les caves, Mme Durand a déjà écrit plusieurs fois.",
         "Trois mois pour une fuite d'eau, le bailleur s'en fiche.", "Super, encore l'ascenseur en panne depuis un mois..."]),
    "caf": (
        ["La CAF m'a bien aidée pour la prime d'activité.", "La conseillère de la CAF était très gentille."],
        ["Pas terrible la CAF, trois mois pour un dossier, j'ai appelé au 06 12 34 56 78 personne ne rappelle.",
         "Impossible de joindre la CAF au téléphone."]),
    "police": (
        ["La police municipale passe plus souvent, c'est mieux qu'avant."],
        ["La police ne vient jamais quand on appelle le soir."]),
    "centre_social": (
        ["Le centre social est super, les animateurs sont très gentils avec les enfants.",
         "Merci à l'EPN du centre social pour l'aide avec les papiers."],
        ["Le centre social ferme trop tôt pour les jeunes."]),
}
IMPROVING = {"mairie", "bailleur"}
PAST_WAVES = 5


def _create_territories():
    metropole = Territory(slug="metropole", name="Tours Métropole Val de Loire", kind=TerritoryKind.metropole,
                          population=300_000)
    db.session.add(metropole)
    for (slug, name, population), quartiers in TERRITORIES.items():
        commune = Territory(slug=slug, name=name, kind=TerritoryKind.commune, population=population, parent=metropole)
        for q_slug, q_name, q_population in quartiers:
            Territory(slug=q_slug, name=q_name, kind=TerritoryKind.quartier, population=q_population, parent=commune)
        db.session.add(commune)
    db.session.flush()


def _questionnaire(territory):
    questionnaire = ops.create_questionnaire(
        T("Vivre dans mon quartier", "Living in my neighbourhood", "العيش في حيّي"), territory)
    questionnaire.description = T(
        "Quelques questions, deux minutes. Vos réponses sont anonymes.",
        "A few questions, two minutes. Your answers are anonymous.",
        "بعض الأسئلة، دقيقتان. أجوبتك مجهولة الهوية.")
    version = questionnaire.latest_version
    db.session.flush()
    for fields in QUESTIONS:
        ops.save_question(version, **fields)
    return questionnaire


def _random_answers(rng, wave_index):
    # Later waves are slightly happier: the trend screens then have something to find.
    mood = min(5, max(1, round(rng.gauss(2.8 + 0.3 * wave_index, 1))))
    answers = {
        "satisfaction": mood,
        "securite": rng.choice([1, 2, 3, 4, 5, "dk"]),
        "services": rng.sample(["mairie", "caf", "bailleur", "centre_social", "epn"], rng.randint(0, 3)),
        "contact_mairie": rng.choice(["yes", "no"]),
        "contact_facile": rng.choice([1, 2, 3, 4, 5]),
        "priorite": rng.choice(["proprete", "jeunes", "logement", "transports", "emploi"]),
    }
    if rng.random() < 0.7:
        institution = rng.choice(list(COMMENTS))
        praised = 0.2 + 0.15 * wave_index if institution in IMPROVING else 0.5
        positive, negative = COMMENTS[institution]
        answers["commentaire"] = rng.choice(positive if rng.random() < praised else negative)
    return answers


def _past_response(rng, wave, quartiers, day, codes):
    """One invented response; a quarter of respondents came with the code of an earlier one."""
    clean, errors = clean_answers(wave.version.questions, _random_answers(rng, wave.number - 1))
    assert not errors, errors
    quartier = rng.choice(quartiers)
    submitted = datetime.combine(day, time(rng.randint(9, 18), rng.randint(0, 59)), tzinfo=timezone.utc)
    response = Response(
        uuid=str(uuid.UUID(int=rng.getrandbits(128))), wave=wave, version_id=wave.version_id, submitted_at=submitted,
        channel=rng.choice([Channel.kiosk, Channel.kiosk, Channel.personal]), language=rng.choice(["fr"] * 6 + ["ar", "en"]),
        gender=rng.choice(["woman", "woman", "man", "man", None]), age_bracket=rng.choice(AGE_BRACKETS[1:] + (None,)),
        quartier_id=quartier.id, territory_id=quartier.id,
        invited_by_code=rng.choice(codes) if codes and rng.random() < 0.25 else None,
    )
    by_code = {q.code: q for q in wave.version.questions}
    response.answers = [Answer(question=by_code[c], value=v) for c, v in clean.items()]
    db.session.add(response)
    db.session.flush()
    codes.append(response.invitation_code)


@click.command("demo")
@click.option("--seed", default=37, show_default=True, help="Random seed for the invented responses.")
@with_appcontext
def demo(seed):
    """Load demo territories, staff accounts (printed with passwords) and survey waves."""
    upgrade(directory=current_app.extensions["migrate"].directory)
    begin_write()
    if db.session.scalar(select(User).limit(1)) is not None:
        # Running the README's start command twice must still start the platform.
        click.echo("The database already has data: demo data is only loaded into an empty database.")
        return
    rng = random.Random(seed)
    _create_territories()
    click.echo("Staff accounts (email / password / role):")
    for email, name, role, scope in STAFF:
        user, password = create_user(email, name, role, scope, password=f"demo-{role.value}")
        click.echo(f"  {email:34} {password:18} {role.value}")
    sanitas = db.session.scalar(select(Territory).where(Territory.slug == "sanitas"))
    rabiere = db.session.scalar(select(Territory).where(Territory.slug == "rabiere"))
    quartiers = [sanitas] * 4 + [rabiere]
    # Designed at the metropole (shared practice), run as waves in each quartier.
    questionnaire = _questionnaire(sanitas.parent.parent)
    today = local_today()
    codes = []  # invitation codes given so far: later respondents pass them on
    for index in range(PAST_WAVES):  # one a year, the last two months ago: a wave in each yearly period
        opens = today - timedelta(days=60 + 365 * (PAST_WAVES - 1 - index))
        wave = ops.create_wave(questionnaire, sanitas, opens, opens + timedelta(days=30))
        wave.status = WaveStatus.closed
        for _ in range(rng.randint(110, 150)):
            _past_response(rng, wave, quartiers, opens + timedelta(days=rng.randint(0, 30)), codes)
    current = ops.create_next_wave(wave)
    current.opens_on, current.closes_on = today - timedelta(days=2), today + timedelta(days=28)
    current.status = WaveStatus.open
    other = ops.create_wave(questionnaire, rabiere, today - timedelta(days=2), today + timedelta(days=28))
    other.status = WaveStatus.open
    db.session.commit()
    click.echo(f"Questionnaire {questionnaire.id} with waves {[w.id for w in questionnaire.waves]}; "
               f"open now: Sanitas wave {current.id}, Rabière wave {other.id}.")

    by_slug = {t.slug: t for t in db.session.scalars(select(Territory))}
    made = deliberation_demo.institutions(by_slug)
    user, password = create_user("mairie@voix.example", "Mairie de Tours", Role.institution, ("tours",),
                                 password="demo-institution")
    user.institution = made["mairie"]
    facilitator = db.session.scalar(select(User).where(User.email == "animation.sanitas@voix.example"))
    consultation = deliberation_demo.load(rng, by_slug, made, facilitator)
    deliberation_demo.history(rng, by_slug, made, facilitator, PAST_WAVES)
    analyze_pending()  # the discourse screens and indicators start full
    click.echo(f"  {user.email:34} {password:18} institution (Mairie de Tours)")
    click.echo(f"Consultation {consultation.id} (Sanitas) in its voting phase.")
    # How to see the offline mode with the demo (docs/kiosk.md, docs/surveys.md).
    click.echo(f"Offline: open /enquete/{current.id} on a phone, or /kiosk/ on a tablet registered under Kiosks, "
               "wait a few seconds, cut the network (the browser's developer tools: Offline) and send: the "
               "answers wait on the device and are sent by themselves when the network returns.")

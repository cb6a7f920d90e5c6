"""Demo data for deliberation: a consultation in Sanitas with ideas, supports, pairwise
votes, statements, a debate, an official answer, residents' questions to institutions
and a steering committee; and five years of past consultations for the indicators."""
import uuid
from datetime import datetime, timedelta, timezone

from voix.about_you import AGE_BRACKETS
from voix.database import begin_write
from voix.extensions import db
from voix.institutions.models import Institution, InstitutionCode

from . import operations as ops
from .models import (
    AnswerStatus,
    Comment,
    Committee,
    CommitteeMember,
    Consultation,
    Idea,
    InstitutionQuestion,
    MembershipStatus,
    Moderation,
    OfficialAnswer,
    Origin,
    Participant,
    Phase,
    Position,
    QuestionAnswer,
    Statement,
    StatementVote,
    Support,
    Visibility,
)

IDEAS = [
    ("Des bancs à l'ombre au square Saint-Paul", "Installer des bancs sous les arbres pour les anciens et les parents."),
    ("Un terrain de foot éclairé le soir", "Les jeunes jouent sur le parking faute d'éclairage au city-stade."),
    ("Une fresque avec les jeunes du quartier", "Repeindre le mur du parking avec un artiste et les ados du centre social."),
    ("Des toilettes publiques près du marché", "Le samedi il n'y a aucune toilette pour les familles et les commerçants."),
    ("Un jardin partagé au pied des immeubles", "Transformer la pelouse derrière la tour en potager avec les habitants."),
]
STATEMENTS = [
    "Le square est propre la plupart du temps.",
    "Le quartier manque d'activités pour les ados.",
    "La mairie écoute les habitants.",
    "Je me sens en sécurité le soir.",
    "Le bailleur répond vite aux demandes.",
    "Il faudrait plus de réunions publiques.",
]


def institutions(territories) -> dict[str, Institution]:
    made = {
        "bailleur": Institution(code=InstitutionCode.bailleur, name="Tours Habitat", territory=territories["tours"],
                                aliases=["tours habitat", "l'office"]),
        "caf": Institution(code=InstitutionCode.caf, name="CAF Touraine", territory=territories["metropole"]),
        "mairie": Institution(code=InstitutionCode.mairie, name="Mairie de Tours", territory=territories["tours"]),
    }
    db.session.add_all(made.values())
    db.session.flush()
    return made


def load(rng, territories, made_institutions, facilitator):
    consultation = ops.create_consultation(
        {"fr": "Notre square Saint-Paul", "en": "Our Saint-Paul square", "ar": "حديقتنا سان بول"},
        territories["sanitas"], created_by=facilitator, support_cap=3)
    people = [ops.new_participant(consultation, rng.choice([Origin.kiosk, Origin.kiosk, Origin.personal]))
              for _ in range(40)]
    ideas = [ops.propose_idea(consultation, rng.choice(people), title=t, body=b) for t, b in IDEAS]
    statements = [Statement(consultation_id=consultation.id, text=text, moderation=Moderation.accepted, language="fr")
                  for text in STATEMENTS]
    db.session.add_all(statements)
    ops.advance_phase(consultation)  # voting
    db.session.commit()
    popularity = [0.7, 0.5, 0.35, 0.2, 0.45]
    camp = {p.id: rng.random() < 0.5 for p in people}  # two opinion camps, for the opinion groups
    for person in people:
        for idea, chance in zip(ideas, popularity):
            if rng.random() < chance:
                try:
                    ops.support_idea(idea, person, uuid=str(uuid.UUID(int=rng.getrandbits(128))), origin=person.origin)
                except ops.DeliberationError:  # the cap of 3 supports
                    db.session.rollback()
        for statement_index, statement in enumerate(statements):
            lean = 1 if (statement_index % 2 == 0) == camp[person.id] else -1
            value = lean if rng.random() < 0.8 else rng.choice([-1, 0, 1])
            ops.vote_on_statement(statement, person, value, uuid=str(uuid.UUID(int=rng.getrandbits(128))),
                                  origin=person.origin)
        for _ in range(3):
            a, b = rng.sample(ideas, 2)
            winner, loser = (a, b) if popularity[ideas.index(a)] + rng.random() * 0.3 > popularity[ideas.index(b)] else (b, a)
            ops.vote_pairwise(winner, loser, person, uuid=str(uuid.UUID(int=rng.getrandbits(128))), origin=person.origin)
    top, _ = ops.add_comment(ideas[0], people[1], "Oui, et des bancs accessibles aux fauteuils.", Position.for_,
                             uuid=str(uuid.uuid4()))
    reply, _ = ops.add_comment(ideas[0], people[2], "Attention à ne pas gêner le marché.", Position.neutral,
                               uuid=str(uuid.uuid4()), parent=top)
    ops.add_comment(ideas[1], people[3], "Le bruit le soir, non merci.", Position.against, uuid=str(uuid.uuid4()))
    ops.report_comment(reply, people[4], "hors sujet ?")
    answer = ops.answer_idea(ideas[0], made_institutions["mairie"], None, AnswerStatus.under_study,
                             "Les services espaces verts étudient l'emplacement ; réponse définitive en mars.")
    ideas[0].created_at -= timedelta(days=30)  # proposed a month ago, answered nine days later
    answer.answered_at = ideas[0].created_at + timedelta(days=9)
    _questions_today(consultation, people, made_institutions)
    committee = Committee(consultation_id=consultation.id, name="Comité de suivi du square")
    db.session.add(committee)
    db.session.commit()
    for person, name, gender, age in zip(people[:4], ("Amina", "Karim", "Lucie", "Moussa"),
                                         ("woman", "man", "woman", "man"), ("26_34", "18_25", "50_64", "65_plus")):
        ops.volunteer(committee, person, name, gender=gender, age_bracket=age)
    for member in committee.members[:3]:
        ops.validate_member(member, facilitator)
    db.session.commit()
    return consultation


def _questions_today(consultation, people, made_institutions):
    """Two questions on the square's page: one Tours Habitat answered, one the CAF has not yet."""
    asked, _ = ops.ask_question(consultation, people[5], made_institutions["bailleur"].id,
                                "Quand l'ascenseur de la tour B sera-t-il réparé ?", uuid=str(uuid.uuid4()))
    ops.answer_question(asked, None, "Un technicien est missionné : la réparation est prévue sous quinze jours.",
                        uuid=str(uuid.uuid4()))
    ops.ask_question(consultation, people[6], made_institutions["caf"].id,
                     "Y a-t-il une permanence CAF près du square ?", uuid=str(uuid.uuid4()))


# --- Five years of past consultations, so every indicator has a history ---------------------

PAST_IDEAS = [
    ("Un banc devant la pharmacie", "Les anciens attendent debout."), ("Un local pour les ados", "Ouvert le soir."),
    ("Des jeux pour les petits", "Le toboggan est cassé depuis l'hiver."), ("Un marché solidaire", "Une fois par mois."),
    ("Éclairer l'allée des Tilleuls", "On ne voit rien le soir en rentrant."), ("Une boîte à livres", "Au pied de la tour B."),
    ("Des cours de français le soir", "Pour les parents qui travaillent."), ("Un tournoi de foot inter-quartiers",
    "Pour que les jeunes se rencontrent."), ("Une navette pour le marché", "Le samedi matin, pour les anciens."),
    ("Repeindre le hall", "Le hall de la tour est sombre et sale."), ("Un composteur collectif", "Près du jardin."),
    ("Une permanence CAF au centre social", "Une fois par mois, sans rendez-vous."), ("Des ralentisseurs rue Lobin",
    "Les voitures roulent trop vite devant l'école."), ("Un atelier vélo", "Réparer les vélos des enfants."),
    ("Plus de poubelles au square", "Elles débordent le week-end."), ("Une fête des voisins", "En juin, au square."),
]
ANSWER_TEXTS = {
    AnswerStatus.accepted: ["Accepté : les travaux sont prévus au printemps.", "Accepté, avec le conseil citoyen."],
    AnswerStatus.done: ["C'est fait : merci aux habitants qui ont porté l'idée.", "Réalisé cet été."],
    AnswerStatus.refused: ["Refusé : le terrain n'appartient pas à la ville.", "Refusé : le budget de l'année est déjà engagé."],
}
REPLIES = ["Bonne idée, je suis d'accord.", "Il faudrait demander au bailleur.", "Pas sûr que ce soit utile.",
           "Oui, surtout pour les enfants.", "On en parle depuis longtemps."]
FIRST_NAMES = ["Amina", "Karim", "Lucie", "Moussa", "Fatou", "Jean", "Nadia", "Yanis", "Chantal", "Omar", "Inès",
               "Paul", "Samia", "Hugo", "Aïcha", "Bilal"]
ORIGINS = [Origin.kiosk] * 9 + [Origin.personal] * 6 + [Origin.mediator] * 3 + [Origin.paper] * 2


def history(rng, territories, made_institutions, facilitator, years):
    """Two closed consultations a year (Sanitas and Rabière), the last ones this year: ideas,
    supports, statements, debates (some moderated), answers that come faster each year,
    a steering committee, invitations passed on, and opinion groups."""
    now = datetime.now(timezone.utc)
    codes = []
    for year in range(years):
        start = now - timedelta(days=365 * (years - year)) + timedelta(days=20)
        for place in (territories["sanitas"], territories["rabiere"]):
            _past_consultation(rng, territories, place, start, now, year, made_institutions, facilitator, codes)
            begin_write()


def _past_consultation(rng, territories, place, start, now, year, made_institutions, facilitator, codes):
    from .polis_io import opinion_groups_for, remember_groups

    consultation = Consultation(title={"fr": f"Projets {place.name} {start.year}-{start.year + 1}"}, territory=place,
                                phase=Phase.closed, proposals_open=False, created_at=start)
    db.session.add(consultation)
    db.session.flush()
    people = [_past_participant(rng, consultation, territories, place, start, codes) for _ in range(rng.randint(38, 48))]

    def moment(first_day, last_day):
        return min(start + timedelta(days=rng.uniform(first_day, last_day)), now)

    ideas = [Idea(consultation_id=consultation.id, title=title, body=body, carrier_id=carrier.id,
                  created_at=moment(5, 60))
             for (title, body), carrier in zip(PAST_IDEAS, rng.sample(people, len(PAST_IDEAS)))]
    db.session.add_all(ideas)
    db.session.flush()
    camp = {p.id: rng.random() < 0.5 for p in people}
    _past_votes(rng, consultation, people, ideas, camp, moment)
    _past_debate(rng, people, ideas, moment)
    _past_answers(rng, ideas, made_institutions, year, now)
    _past_committee(rng, consultation, people, facilitator, moment)
    _past_questions(rng, consultation, people, made_institutions, year, now, moment)
    db.session.flush()
    remember_groups(consultation, opinion_groups_for(consultation))


def _past_participant(rng, consultation, territories, place, start, codes):
    neighbours = [place] * 6 + [territories["europe"], territories["fontaines"]]
    person = Participant(
        consultation_id=consultation.id, origin=rng.choice(ORIGINS), created_at=start,
        gender=rng.choice(["woman"] * 5 + ["man"] * 4 + [None]), age_bracket=rng.choice(AGE_BRACKETS[1:] + (None,)),
        quartier_id=rng.choice(neighbours).id if rng.random() < 0.9 else None,
        invited_by_code=rng.choice(codes[-200:]) if codes and rng.random() < 0.35 else None)
    db.session.add(person)
    db.session.flush()
    codes.append(person.invitation_code)
    return person


def _past_votes(rng, consultation, people, ideas, camp, moment):
    statements = [Statement(consultation_id=consultation.id, text=text, moderation=Moderation.accepted, language="fr",
                            created_at=moment(5, 10)) for text in STATEMENTS]
    db.session.add_all(statements)
    db.session.flush()
    for person in people:
        for idea in rng.sample(ideas, rng.randint(1, 3)):
            db.session.add(Support(uuid=str(uuid.UUID(int=rng.getrandbits(128))), idea_id=idea.id,
                                   participant_id=person.id, origin=person.origin, created_at=moment(60, 150)))
        for index, statement in enumerate(statements):
            lean = 1 if (index % 2 == 0) == camp[person.id] else -1
            db.session.add(StatementVote(uuid=str(uuid.UUID(int=rng.getrandbits(128))), statement_id=statement.id,
                                         participant_id=person.id, origin=person.origin, voted_at=moment(20, 150),
                                         value=lean if rng.random() < 0.8 else rng.choice([-1, 0, 1])))


def _past_debate(rng, people, ideas, moment):
    comments = []
    for _ in range(18):
        comment = Comment(uuid=str(uuid.UUID(int=rng.getrandbits(128))), idea_id=rng.choice(ideas).id,
                          participant_id=rng.choice(people).id, body=rng.choice(REPLIES),
                          position=rng.choice(list(Position)), created_at=moment(30, 200))
        comments.append(comment)
    db.session.add_all(comments)
    db.session.flush()
    for parent in rng.sample(comments, 16):
        db.session.add(Comment(uuid=str(uuid.UUID(int=rng.getrandbits(128))), idea_id=parent.idea_id,
                               parent_id=parent.id, participant_id=rng.choice(people).id, body=rng.choice(REPLIES),
                               position=rng.choice(list(Position)), created_at=moment(200, 250)))
    for hidden in rng.sample(comments, 2):
        hidden.visibility, hidden.hidden_reason = Visibility.hidden, "Propos insultants"


def _past_answers(rng, ideas, made_institutions, year, now):
    # Institutions answer more ideas, and faster, year after year.
    answering = [made_institutions["mairie"]] * 9 + [made_institutions["bailleur"]] * 8 + [made_institutions["caf"]] * 3
    for idea in rng.sample(ideas, 10 + year):
        institution = rng.choice(answering)
        days = rng.uniform(5, 70 - 12 * year)
        status = rng.choice(list(ANSWER_TEXTS))
        db.session.add(OfficialAnswer(idea_id=idea.id, institution_id=institution.id, status=status,
                                      text=rng.choice(ANSWER_TEXTS[status]),
                                      answered_at=min(idea.created_at + timedelta(days=days), now)))


QUESTIONS = {  # institution: (questions residents ask it, its answers)
    "mairie": (["Quand les jeux du square seront-ils réparés ?", "Le centre de loisirs sera-t-il ouvert cet été ?",
                "Pourquoi l'éclairage de l'allée est-il éteint le soir ?", "Comment inscrire mon enfant à la cantine ?"],
               ["Les services techniques interviennent la semaine prochaine.",
                "Oui : les inscriptions ouvrent en mai à la mairie annexe."]),
    "bailleur": (["Quand l'ascenseur de la tour B sera-t-il réparé ?", "Qui contacter pour l'humidité dans les "
                  "appartements ?", "Les charges vont-elles encore augmenter cette année ?",
                  "Quand le hall sera-t-il repeint ?"],
                 ["Un technicien est missionné : la réparation est prévue sous quinze jours.",
                  "Contactez votre gardien : un diagnostic sera fait dans le mois."]),
    "caf": (["Comment demander l'aide au logement sans ordinateur ?", "Y a-t-il une permanence CAF près du quartier ?",
             "Pourquoi mes droits sont-ils suspendus après un déménagement ?"],
            ["Un conseiller vous reçoit sans rendez-vous au centre social le mardi matin.",
             "Une permanence a lieu le premier jeudi du mois au centre social."]),
}


def _past_questions(rng, consultation, people, made_institutions, year, now, moment):
    # Most questions are answered, more of them and sooner year after year; a few never are,
    # one in a few gets a second answer later, and now and then one is hidden by a moderator.
    asking = ["mairie"] * 4 + ["bailleur"] * 4 + ["caf"] * 3
    for asker in rng.sample(people, rng.randint(12, 16)):
        code = rng.choice(asking)
        asked, answers = QUESTIONS[code]
        question = InstitutionQuestion(uuid=str(uuid.UUID(int=rng.getrandbits(128))), consultation_id=consultation.id,
                                       asker_id=asker.id, institution_id=made_institutions[code].id,
                                       text=rng.choice(asked), created_at=moment(10, 150))
        if rng.random() < 0.08:
            question.visibility, question.hidden_reason = Visibility.hidden, "Propos insultants"
        db.session.add(question)
        db.session.flush()
        if rng.random() < 0.7 + 0.05 * year:
            first = question.created_at + timedelta(days=rng.uniform(1, 35 - 5 * year))
            for answered_at in (first, first + timedelta(days=20))[:1 + (rng.random() < 0.2)]:
                db.session.add(QuestionAnswer(uuid=str(uuid.UUID(int=rng.getrandbits(128))), question_id=question.id,
                                              text=rng.choice(answers), answered_at=min(answered_at, now)))


def _past_committee(rng, consultation, people, facilitator, moment):
    committee = Committee(consultation_id=consultation.id, name=f"Comité de pilotage – {consultation.title['fr']}")
    db.session.add(committee)
    db.session.flush()
    for person in rng.sample(people, rng.randint(12, 15)):
        db.session.add(CommitteeMember(
            committee_id=committee.id, participant_id=person.id, display_name=rng.choice(FIRST_NAMES),
            gender=person.gender, age_bracket=person.age_bracket, status=MembershipStatus.validated,
            validated_by_id=facilitator.id, validated_at=moment(40, 100)))

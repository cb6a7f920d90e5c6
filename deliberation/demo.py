"""Demo data for deliberation: a consultation in Sanitas with ideas, supports, pairwise
votes, statements, a debate, an official answer and a steering committee."""
import uuid
from datetime import timedelta

from voix.extensions import db
from voix.institutions.models import Institution, InstitutionCode

from . import operations as ops
from .models import AnswerStatus, Committee, Moderation, Origin, Position, Statement

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
    statements = [Statement(consultation_id=consultation.id, text=text, moderation=Moderation.accepted)
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

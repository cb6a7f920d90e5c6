"""The opinion map: groups in plain words, an SVG of positions, "where you are", staff numbers, cache."""
import random
import re
import uuid

import numpy as np
import pytest
from sqlalchemy import select

from deliberation import operations as ops
from deliberation import opinion_map as om
from deliberation.models import Moderation, Origin, Participant, Statement, StatementVote
from voix.extensions import db

AGREE_A = ["Il faut plus de bancs", "Le square doit rester ouvert la nuit", "Des jeux pour les petits"]
AGREE_B = ["Le bruit le soir est un problème", "Il faut fermer le square à 20 h", "Plus de caméras"]
EVERYONE = "Le square doit être propre"
META = "J'habite au Sanitas"


def vote(statement, person, value):
    ops.vote_on_statement(statement, person, value, uuid=str(uuid.uuid4()), origin=Origin.personal)


@pytest.fixture
def square(territories):
    """A consultation in its voting phase where 30 people voted in two camps of 18 and 12."""
    om.forget_cache()
    c = ops.create_consultation({"fr": "Le square", "en": "The square", "ar": "الحديقة"}, territories["sanitas"])
    statements = {text: Statement(consultation_id=c.id, text=text, moderation=Moderation.accepted,
                                  is_meta=text == META)
                  for text in [*AGREE_A, *AGREE_B, EVERYONE, META]}
    db.session.add_all(statements.values())
    ops.advance_phase(c)
    db.session.commit()
    rng = random.Random(4)
    people = [ops.new_participant(c, Origin.personal) for _ in range(30)]
    db.session.commit()
    for i, person in enumerate(people):
        camp_a = i < 18
        for text in AGREE_A:
            vote(statements[text], person, 1 if camp_a else -1)
        for text in AGREE_B:
            vote(statements[text], person, -1 if camp_a else 1)
        vote(statements[EVERYONE], person, 1)
        vote(statements[META], person, 1 if rng.random() < 0.5 else -1)
    c.people = people
    c.statements = statements
    return c


def test_the_map_gives_groups_consensus_representative_statements_and_positions(square):
    m = om.opinion_map(square)
    assert m["n_clustered"] == 30
    assert [g["size"] for g in m["groups"]] == [18, 12]
    assert [g["share"] for g in m["groups"]] == [60, 40]
    assert [c["text"] for c in m["consensus"]] == [EVERYONE]
    first, second = m["groups"]
    assert {r["text"] for r in first["representative"]} <= set(AGREE_A + AGREE_B)
    assert all(r["agrees"] == (r["text"] in AGREE_A) for r in first["representative"])
    assert all(r["agrees"] == (r["text"] in AGREE_B) for r in second["representative"])
    # A representative statement: 100 % of the group, 0 % of the others.
    assert {(r["percent"], r["others_percent"]) for r in first["representative"]} == {(100, 0)}
    assert [x["text"] for x in m["meta"]] == [META]  # shown, not clustered
    assert len(m["points"]) == 30
    assert all(0 <= x <= om.WIDTH and 0 <= y <= om.HEIGHT for x, y, _ in m["points"])
    # Colour AND shape per group, from the colour-blind safe palette.
    assert (first["colour"], first["shape"]) != (second["colour"], second["shape"])
    assert first["shape"] != second["shape"]
    assert m["me"] == {"status": "not_voted"}


def test_where_you_are(square):
    placed = om.opinion_map(square, square.people[20])
    assert placed["me"]["status"] == "placed" and placed["me"]["group"] == 2
    newcomer = ops.new_participant(square, Origin.personal)
    db.session.commit()
    vote(square.statements[AGREE_A[0]], newcomer, 1)
    few = om.opinion_map(square, newcomer)
    assert few["me"] == {"status": "few_votes", "votes": 1, "needed": 7}
    assert om.opinion_map(square, ops.new_participant(square, Origin.personal))["me"] == {"status": "not_voted"}


def test_the_stored_matrix_is_the_one_the_vote_triples_give(square):
    """The opinion groups read the votes as three integer columns (polis_io.stored_vote_matrix):
    same matrix, same ids in the same order, as vote_matrix over (participant, statement,
    value) labels, with rejected statements left out and external ids where there are some;
    and so the same groups."""
    from deliberation.opinion_groups import compute_opinion_groups, vote_matrix
    from deliberation.polis_io import opinion_groups_for, stored_vote_matrix

    square.people[3].external_id = "p-imported"  # a label that sorts after the numbers
    square.people[12].external_id = "9999"
    square.statements[AGREE_B[2]].moderation = Moderation.rejected
    db.session.commit()
    rows = db.session.execute(select(Participant.external_id, Participant.id, Statement.external_id,
                                     Statement.id, StatementVote.value)
                              .join(Statement, Statement.id == StatementVote.statement_id)
                              .join(Participant, Participant.id == StatementVote.participant_id)
                              .where(Statement.consultation_id == square.id,
                                     Statement.moderation != Moderation.rejected)
                              .order_by(StatementVote.voted_at, StatementVote.id)).all()
    triples = [(p_ext or str(p_id), s_ext or str(s_id), value) for p_ext, p_id, s_ext, s_id, value in rows]
    expected, people, statements = vote_matrix(triples)
    matrix, participant_ids, statement_ids = stored_vote_matrix(square)
    assert participant_ids == people and statement_ids == statements
    assert "p-imported" in participant_ids and "9999" in participant_ids
    assert str(square.statements[AGREE_B[2]].id) not in statement_ids
    assert np.array_equal(matrix, expected, equal_nan=True)
    meta = {str(square.statements[META].id)}
    ours, reference = opinion_groups_for(square), compute_opinion_groups(triples, meta_statements=meta)
    assert ours.to_dict() == reference.to_dict() and ours.positions == reference.positions


def test_a_consultation_without_votes_has_an_empty_matrix(territories):
    from deliberation.polis_io import stored_vote_matrix

    c = ops.create_consultation({"fr": "Vide"}, territories["sanitas"])
    db.session.commit()
    matrix, participant_ids, statement_ids = stored_vote_matrix(c)
    assert matrix.shape == (0, 0) and participant_ids == [] and statement_ids == []


def test_no_map_under_ten_people(territories):
    om.forget_cache()
    c = ops.create_consultation({"fr": "Petit"}, territories["sanitas"])
    statement = Statement(consultation_id=c.id, text="Oui ?", moderation=Moderation.accepted)
    db.session.add(statement)
    ops.advance_phase(c)
    db.session.commit()
    assert om.opinion_map(c) is None
    for _ in range(5):
        vote(statement, ops.new_participant(c, Origin.personal), 1)
    assert om.opinion_map(c) is None


def test_the_computation_is_cached_until_a_vote_changes(square, monkeypatch):
    calls = []
    real = om.opinion_groups_for
    monkeypatch.setattr(om, "opinion_groups_for", lambda c, **kw: calls.append(1) or real(c, **kw))
    om.forget_cache()
    om.opinion_map(square)
    om.opinion_map(square)
    assert len(calls) == 1
    vote(square.statements[EVERYONE], square.people[0], -1)  # a re-vote
    om.opinion_map(square)
    assert len(calls) == 2
    square.statements[EVERYONE].moderation = Moderation.rejected  # moderated out
    db.session.commit()
    assert EVERYONE not in [c["text"] for c in om.opinion_map(square)["consensus"]]
    assert len(calls) == 3
    # The groups are remembered for the indicators when they are computed.
    assert db.session.scalar(select(Participant.opinion_group).where(Participant.id == square.people[20].id)) == 1


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_the_public_page_in_three_languages(client, square, language):
    page = client.get(f"/consultations/{square.id}/carte-des-opinions?lang={language}")
    assert page.status_code == 200
    html = page.text
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in html
    svg = re.search(r"<svg class=\"om-svg\".*?</svg>", html, re.DOTALL).group(0)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert svg.count("<use ") == 30  # one mark per person placed
    assert "<script" not in html.split("<main", 1)[1]  # drawn on the server
    assert EVERYONE in html and AGREE_A[0] in html
    assert '<caption id="om-table-caption">' in html
    if language == "en":
        assert "What brings everyone together" in html
        assert "What group 1 thinks more than the others" in html
        assert "Give your opinion on the statements to find where you are" in html
        assert "of this group" not in html  # residents get words, staff the numbers


def test_the_page_says_where_the_voter_is(client, square):
    page = client.get(f"/consultations/{square.id}/affirmations")
    assert page.status_code == 200
    statement = square.statements[AGREE_B[0]]
    client.post(f"/consultations/{square.id}/affirmations",
                data={"statement": statement.id, "value": "1", "uuid": str(uuid.uuid4())})
    page = client.get(f"/consultations/{square.id}/carte-des-opinions?lang=en")
    assert "you gave your opinion on 1 statements; from 7 on" in page.text
    for text in [*AGREE_B[1:], *AGREE_A, EVERYONE, META]:
        s = square.statements[text]
        client.post(f"/consultations/{square.id}/affirmations",
                    data={"statement": s.id, "value": "1" if text in AGREE_B or text == EVERYONE else "-1",
                          "uuid": str(uuid.uuid4())})
    page = client.get(f"/consultations/{square.id}/carte-des-opinions?lang=en")
    assert "you are in group 2 (the orange squares)" in page.text
    assert 'stroke-width="3"' in page.text  # the circle around the voter's mark
    assert "(your group)" in page.text
    done = client.get(f"/consultations/{square.id}/affirmations?lang=en")
    assert "See where you are on the opinion map" in done.text, done.text[done.text.index("<main"):]


def test_hidden_results_hide_the_map(client, square):
    square.results_hidden = True
    db.session.commit()
    page = client.get(f"/consultations/{square.id}/carte-des-opinions?lang=en")
    assert page.status_code == 200
    assert "om-svg" not in page.text and "when the consultation closes" in page.text
    assert "See the opinion map" not in client.get(f"/consultations/{square.id}?lang=en").text


def test_the_consultation_page_links_to_the_map(client, square):
    page = client.get(f"/consultations/{square.id}?lang=en")
    assert f"/consultations/{square.id}/carte-des-opinions" in page.text


def test_unknown_consultation_is_404(client, territories):
    assert client.get("/consultations/999999/carte-des-opinions").status_code == 404


def test_staff_see_the_same_map_with_the_numbers(client, auth, make_user, square):
    auth.login(make_user("facilitator"))
    page = client.get(f"/animation/consultations/{square.id}?lang=en")
    assert page.status_code == 200
    assert "om-svg" in page.text and "What brings everyone together" in page.text
    assert "100 % of this group, 0 % of the others" in page.text
    assert re.search(r"Group 1: agree <span dir=\"ltr\">\d+ %</span>", page.text)

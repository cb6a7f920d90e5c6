"""Every indicator against a small world whose answers are counted by hand below.

The period is March 2025; the previous period is February. Sanitas holds
most of the activity; Europe and Rabière hold what must be left out of Sanitas.
"""
import uuid
from datetime import date, datetime, timezone

import pytest

from deliberation.models import (
    AnswerStatus,
    Comment,
    Committee,
    CommitteeMember,
    Idea,
    InstitutionQuestion,
    MembershipStatus,
    OfficialAnswer,
    Origin,
    Participant,
    Position,
    QuestionAnswer,
    Statement,
    StatementVote,
    Support,
    Visibility,
)
from deliberation.operations import create_consultation
from insights.indicators import Period
from insights.indicators.measure import measure
from insights.indicators.scope import Scope
from insights.models import TextAnalysis
from surveys.models import Channel, Response
from voix.extensions import db
from voix.institutions.models import Institution, InstitutionCode

MARCH = Period(date(2025, 3, 1), date(2025, 3, 31))


def at(month, day, hour=12):
    return datetime(2025, month, day, hour, tzinfo=timezone.utc)


def respond(wave, when, territory, *, gender=None, age=None, channel=Channel.kiosk, invited_by=None, code=None,
            card=None):
    response = Response(uuid=str(uuid.uuid4()), wave_id=wave.id, version_id=wave.version_id, submitted_at=when,
                        channel=channel, language="fr", gender=gender, age_bracket=age, territory_id=territory.id,
                        quartier_id=territory.id, invited_by_code=invited_by, panel_code=card)
    if code:
        response.invitation_code = code
    db.session.add(response)
    db.session.flush()
    return response


@pytest.fixture
def world(app, territories, make_wave):
    t = territories
    wave = make_wave("sanitas", days=(0, 1))
    wave.opens_on, wave.closes_on = date(2025, 1, 1), date(2025, 12, 31)
    w = {"wave": wave}
    # Survey responses. In March, in Sanitas: r1, r2, r3, r4, r6. r5 gave Rabière as quartier.
    w["r0"] = respond(wave, at(2, 10), t["sanitas"], gender="woman", age="18_25", code="SEED2222")  # previous period
    w["r1"] = respond(wave, at(3, 1, 0), t["sanitas"], gender="woman", age="18_25")  # 1 a.m. in Tours: in March
    respond(wave, at(3, 2), t["sanitas"], gender="woman", age="35_49", channel=Channel.personal)
    w["r3"] = respond(wave, at(3, 3), t["sanitas"], gender="man", age="15_17", invited_by="SEED2222")
    w["r4"] = respond(wave, at(3, 4), t["sanitas"], invited_by=w["r3"].invitation_code)
    respond(wave, at(3, 5), t["rabiere"], gender="woman", age="65_plus")
    w["r6"] = respond(wave, at(3, 31, 21), t["sanitas"], gender="man", age="26_34", channel=Channel.personal,
            invited_by="ZZZZZZZZ")  # 23:00 in Tours on the 31st: still March; the code does not exist
    respond(wave, at(3, 31, 23), t["sanitas"], gender="woman")  # already April 1st in Tours: not in March

    # A consultation in Sanitas (created in March) and one in Rabière.
    c1 = create_consultation({"fr": "Square"}, t["sanitas"])
    c2 = create_consultation({"fr": "Parc"}, t["rabiere"])
    db.session.flush()
    c1.created_at, c2.created_at = at(3, 2), at(3, 2)

    def person(consultation, origin, **about):
        p = Participant(consultation_id=consultation.id, origin=origin, created_at=at(2, 1), **about)
        db.session.add(p)
        db.session.flush()
        return p

    p1 = person(c1, Origin.kiosk, gender="woman", age_bracket="18_25", quartier_id=t["sanitas"].id,
                invited_by_code=w["r1"].invitation_code, opinion_group=1)
    p2 = person(c1, Origin.personal, gender="man", age_bracket="50_64", quartier_id=t["europe"].id, opinion_group=0)
    p3 = person(c1, Origin.mediator, opinion_group=1)
    p4 = person(c1, Origin.paper, gender="woman", age_bracket="26_34", quartier_id=t["sanitas"].id, opinion_group=0)
    p5 = person(c1, Origin.personal)
    q1 = person(c2, Origin.kiosk, gender="woman")
    i1 = Idea(consultation_id=c1.id, title="Bancs", body="Des bancs", carrier_id=p1.id, created_at=at(3, 3))
    i2 = Idea(consultation_id=c1.id, title="Ombre", body="Des arbres", carrier_id=p3.id, created_at=at(3, 4))
    j1 = Idea(consultation_id=c2.id, title="Jeux", body="Des jeux", carrier_id=q1.id, created_at=at(3, 4))
    db.session.add_all([i1, i2, j1])
    db.session.flush()
    for idea, who, when in ((i2, p1, at(3, 5)), (i1, p4, at(3, 5)), (i1, p3, at(3, 6)), (i2, p5, at(2, 10)),
                            (j1, q1, at(3, 6))):
        db.session.add(Support(uuid=str(uuid.uuid4()), idea_id=idea.id, participant_id=who.id, origin=who.origin,
                               created_at=when))
    statement = Statement(consultation_id=c1.id, text="Plus de bancs")
    db.session.add(statement)
    db.session.flush()
    db.session.add(StatementVote(uuid=str(uuid.uuid4()), statement_id=statement.id, participant_id=p3.id, value=1,
                                 origin=p3.origin, voted_at=at(3, 7)))

    def comment(idea, who, when, parent=None, hidden=False):
        c = Comment(uuid=str(uuid.uuid4()), idea_id=idea.id, participant_id=who.id, body="…",
                    position=Position.neutral, parent_id=parent.id if parent else None, created_at=when,
                    visibility=Visibility.hidden if hidden else Visibility.visible)
        db.session.add(c)
        db.session.flush()
        return c

    top = comment(i1, p2, at(3, 8))  # p2 said Europe: not a Sanitas contributor
    comment(i1, p4, at(3, 9), parent=top)  # Sanitas -> Europe, group 0 -> group 0
    comment(i1, p1, at(3, 9), parent=top)  # Sanitas -> Europe, group 1 -> group 0
    comment(i2, p3, at(3, 10), hidden=True)

    mairie = Institution(code=InstitutionCode.mairie, name="Mairie de Tours", territory=t["tours"])
    caf = Institution(code=InstitutionCode.caf, name="CAF Touraine", territory=t["metropole"])
    db.session.add_all([mairie, caf])
    db.session.flush()
    for institution, when in ((mairie, at(3, 13)), (mairie, at(3, 20)), (caf, at(3, 7))):
        db.session.add(OfficialAnswer(idea_id=i1.id, institution_id=institution.id, status=AnswerStatus.under_study,
                                      text="À l'étude", answered_at=when))

    def question(who, institution, when, *answered, hidden=False):
        asked = InstitutionQuestion(uuid=str(uuid.uuid4()), consultation_id=c1.id, asker_id=who.id,
                                    institution_id=institution.id, text="?", created_at=when,
                                    visibility=Visibility.hidden if hidden else Visibility.visible)
        db.session.add(asked)
        db.session.flush()
        for moment in answered:
            db.session.add(QuestionAnswer(uuid=str(uuid.uuid4()), question_id=asked.id, text="Réponse",
                                          answered_at=moment))

    # Residents' questions. In March, in Sanitas: k1, k3, k7.
    question(p4, mairie, at(3, 5), at(3, 7), at(3, 20))  # k1: first answer 2 days later
    question(p2, caf, at(3, 6), at(3, 9))  # k2: p2 said Europe, in Tours but not in Sanitas; 3 days
    question(p5, caf, at(3, 8), at(3, 14))  # k3: no quartier given, counts in the consultation's Sanitas; 6 days
    question(p1, mairie, at(2, 20), at(2, 25))  # k4: the previous period; 5 days
    question(p3, mairie, at(3, 10), at(3, 11), hidden=True)  # k5: hidden by a moderator, left out
    question(p1, mairie, at(3, 12))  # k7: not answered

    square = Committee(consultation_id=c1.id, name="Comité du square")
    parc = Committee(consultation_id=c2.id, name="Comité du parc")
    db.session.add_all([square, parc])
    db.session.flush()
    members = [  # (committee, participant, resident, gender, age, status, validated)
        (square, p1, True, "woman", "18_25", MembershipStatus.validated, at(3, 10)),
        (square, p2, True, "man", "35_49", MembershipStatus.validated, at(1, 5)),
        (square, p3, True, "woman", None, MembershipStatus.volunteered, None),
        (square, p4, False, "woman", None, MembershipStatus.validated, at(3, 10)),
        (square, p5, True, "woman", None, MembershipStatus.validated, at(4, 10)),
        (parc, q1, True, "woman", None, MembershipStatus.validated, at(3, 10)),
    ]
    for committee, who, resident, gender, age, status, validated in members:
        db.session.add(CommitteeMember(committee_id=committee.id, participant_id=who.id, display_name="X",
                                       is_resident=resident, gender=gender, age_bracket=age, status=status,
                                       validated_at=validated))

    def text(quartier, when, *mentions):
        db.session.add(TextAnalysis(source="answer", source_id=len(db.session.new) + 1000 * when.day + when.month,
                                    quartier_id=quartier.id, written_at=when, tone="neutral",
                                    mentions=[{"institution": i, "stance": s, "irony": False} for i, s in mentions]))

    text(t["sanitas"], at(3, 2), ("caf", "negative"), ("mairie", "positive"))
    text(t["sanitas"], at(3, 3), ("caf", "negative"))
    text(t["sanitas"], at(3, 4), ("caf", "positive"), ("caf", "negative"))
    text(t["sanitas"], at(3, 5))
    text(t["rabiere"], at(3, 5), ("caf", "positive"))
    db.session.commit()
    w["p1"] = p1
    return w


def sanitas_march(territories):
    return measure(Scope.of(territories["sanitas"], MARCH))


def test_contributors_count_each_person_or_token_once(world, territories):
    found = sanitas_march(territories)["contributors"]
    # Respondents r1, r2, r3, r4, r6; participants p1, p3, p4, and p5, who only asked the CAF a
    # question in March (k3); p2 said Europe. Askers: p4, p5, p1, and p3 (hidden, but asked).
    assert (found.value, found.count) == (9, 9)
    assert {key: part.value for key, part in found.parts.items()} == {
        "respondents": 5, "carriers": 2, "voters": 3, "commenters": 3, "askers": 4}


def test_a_panel_card_is_one_person_however_many_waves_it_answers(world, territories, make_wave):
    waves = [make_wave("sanitas", days=(0, 1)) for _ in range(3)]
    # One card, three waves: once in February, twice in March (a woman who said so the first
    # time, then came back on her phone and said nothing of herself); invited by r0.
    respond(waves[0], at(2, 20), territories["sanitas"], gender="woman", age="18_25", card="CARD2222",
            invited_by="SEED2222")
    respond(waves[1], at(3, 20), territories["sanitas"], card="CARD2222", invited_by="SEED2222")
    respond(waves[2], at(3, 25), territories["sanitas"], channel=Channel.personal, card="CARD2222")
    db.session.commit()
    found = sanitas_march(territories)
    assert found["contributors"].value == 9 + 1
    assert found["contributors"].parts["respondents"].value == 5 + 1
    # She gave neither her gender nor her age in March: she is not among those who did.
    assert (found["women_share"].value, found["women_share"].count) == (4 / 6, 6)
    assert found["kiosk_share"].parts["personal"].value == 4 / 10  # r2, r6, p5 and her latest answer
    assert found["invitations"].value == 3 + 1  # came invited by r0
    february = measure(Scope.of(territories["sanitas"], MARCH.previous()))
    assert february["contributors"].value == 3 + 1
    assert february["women_share"].count == 2 + 1  # r0, p1 and her


def test_contributors_of_a_commune_and_the_metropole_include_their_quartiers(world, territories):
    tours = measure(Scope.of(territories["tours"], MARCH))["contributors"]
    assert tours.value == 5 + 5  # p2 (Europe) is in Tours
    metropole = measure(Scope.of(territories["metropole"], MARCH))["contributors"]
    assert metropole.value == 6 + 6  # r5 and q1 are in Rabière


def test_the_previous_period_of_a_month_is_the_month_before(world, territories):
    assert MARCH.previous() == Period(date(2025, 2, 1), date(2025, 2, 28))
    found = measure(Scope.of(territories["sanitas"], MARCH.previous()))["contributors"]
    assert found.value == 3  # r0, p5 (a support) and p1 (question k4)


@pytest.mark.parametrize("period, previous", [
    (Period(date(2025, 1, 1), date(2025, 12, 31)), Period(date(2024, 1, 1), date(2024, 12, 31))),  # leap year
    (Period(date(2025, 1, 1), date(2025, 3, 31)), Period(date(2024, 10, 1), date(2024, 12, 31))),  # a quarter
    (Period(date(2024, 3, 1), date(2024, 3, 31)), Period(date(2024, 2, 1), date(2024, 2, 29))),
    (Period(date(2025, 3, 10), date(2025, 3, 19)), Period(date(2025, 2, 28), date(2025, 3, 9))),  # 10 days
    (Period(date(2025, 3, 1), date(2025, 3, 30)), Period(date(2025, 1, 30), date(2025, 2, 28))),  # not whole months
])
def test_whole_calendar_months_step_back_by_months_other_periods_by_days(period, previous):
    assert period.previous() == previous


def test_involvement_rate_is_per_100_inhabitants(world, territories):
    found = sanitas_march(territories)["involvement_rate"]
    assert found.value == pytest.approx(100 * 9 / 8_600)


def test_committee_residents_are_validated_resident_seats_by_the_end_of_the_period(world, territories):
    found = sanitas_march(territories)["committee_residents"]
    # p1 (validated in March) and p2 (in January); not the volunteer, the non-resident, nor April's.
    assert found.value == 2
    assert {key: part.value for key, part in found.parts.items()} == {"Comité du square": 2}


def test_tools_produced(world, territories):
    found = sanitas_march(territories)["tools_produced"]
    assert {key: part.value for key, part in found.parts.items()} == {
        "surveys": 1, "waves": 1, "consultations": 1, "debates": 2}
    assert found.value == 4 and not found.suppressed  # tools, not people: never hidden


def test_invitations_and_chains(world, territories):
    found = sanitas_march(territories)["invitations"]
    # r3 came with r0's code (chain of 1), r4 with r3's (chain of 2), p1 with r1's (1); r6's code is not real.
    assert found.value == 3
    parts = {key: part.value for key, part in found.parts.items()}
    assert parts == {"share_of_contributors": 3 / 9, "inviters": 3, "in_chains": 1, "longest_chain": 2}


def test_depths_follow_codes_across_places_and_times(world):
    # r0 answered in February, r1 in March; p1 is a participant invited by a respondent.
    assert [world[k].invitation_depth for k in ("r0", "r1", "r3", "r4", "r6")] == [0, 0, 1, 2, 0]
    assert world["p1"].invitation_depth == 1


def test_discourse_net_tone_per_institution(world, territories):
    found = sanitas_march(territories)["discourse"]
    # Texts: (caf -, mairie +) is neutral overall, (caf -) negative, (caf +, caf -) neutral.
    assert found.value == pytest.approx(-1 / 3) and found.count == 3
    assert found.parts["caf"].value == pytest.approx(-2 / 3) and found.parts["caf"].count == 3
    assert found.parts["mairie"].value == 1 and found.parts["mairie"].count == 1
    assert found.interval[0] <= found.value <= found.interval[1]


def test_answers_share_and_median_delay(world, territories):
    # The questions k1..k7 of the world changed these figures; with ideas alone they were a
    # share of 1/2 (2 carriers), Mairie 10 days, CAF 4 days, 7 days overall (1 person).
    found = sanitas_march(territories)
    # Ideas: Bancs answered, Ombre not. Questions: k1 and k3 answered, k7 not.
    assert found["answered_share"].value == 3 / 5
    assert found["answered_share"].count == 4  # carriers p1 and p3, askers p4 and p5 (p1 once)
    delay = found["answer_delay"]
    # Mairie: Bancs 10 days (its first answer, not the second), k1 2 days (idem).
    assert delay.parts["Mairie de Tours"].value == pytest.approx((10 + 2) / 2)
    assert delay.parts["Mairie de Tours"].count == 2  # p1, p4
    # CAF: Bancs 4 days, k3 6 days.
    assert delay.parts["CAF Touraine"].value == pytest.approx((4 + 6) / 2)
    assert delay.value == pytest.approx((4 + 6) / 2)  # the median of 2, 4, 6 and 10 days
    assert delay.count == 3  # p1, p4, p5: the people whose idea or question was answered


def test_a_question_counts_where_its_asker_said_they_live(world, territories):
    tours = measure(Scope.of(territories["tours"], MARCH))
    # Sanitas' 5, plus k2 asked by p2, who said Europe (in Tours): answered after 3 days.
    assert tours["answered_share"].value == 4 / 6
    assert tours["answered_share"].count == 5
    assert tours["answer_delay"].parts["CAF Touraine"].value == pytest.approx(4)  # 4, 6 and 3 days
    assert tours["answer_delay"].value == pytest.approx(4)  # 2, 3, 4, 6, 10
    february = measure(Scope.of(territories["sanitas"], MARCH.previous()))
    assert (february["answered_share"].value, february["answered_share"].count) == (1, 1)  # k4, by p1
    assert february["answer_delay"].value == pytest.approx(5)


def test_exchanges_moderation_and_replies_across_lines(world, territories):
    found = sanitas_march(territories)
    assert found["exchanges"].value == 3  # p4's and p1's replies, p3's hidden comment
    assert {key: part.value for key, part in found["exchanges"].parts.items()} == {"comments": 1, "replies": 2}
    assert found["moderated_share"].value == pytest.approx(1 / 3)
    assert found["cross_quartier_replies"].value == 1  # both replies go to Europe
    assert found["cross_group_replies"].value == 1 / 2  # p1 (group 1) to p2 (group 0); p4 stays in group 0
    # Bancs: supported by p4 (group 0) and p3 (group 1); Ombre: by p1 (group 1) only.
    assert found["ideas_across_groups"].value == 1 / 2
    assert found["ideas_across_groups"].count == 3


def test_women_and_young_people(world, territories):
    found = sanitas_march(territories)
    women = found["women_share"]
    # Respondents: 2 women of 4 who answered; participants p1, p4: 2 of 2.
    assert (women.value, women.count) == (4 / 6, 6)
    assert women.parts["carriers"].value == 1  # p1 (p3 did not say)
    assert women.parts["committee_members"].value == 1 / 2  # p1 and p2
    young = found["young_share"]
    # Respondents: r1 (18-25) and r3 (15-17) of 4; participants: p1 of p1, p4.
    assert (young.value, young.count) == (3 / 6, 6)
    assert young.parts["committee_members"].value == 1 / 2


def test_kiosk_share_against_personal_devices_mediators_and_paper(world, territories):
    found = sanitas_march(territories)["kiosk_share"]
    # r1, r3, r4 and p1 on kiosks; r2, r6 and p5 personal; p3 mediator, p4 paper.
    assert found.value == 4 / 9
    assert {key: (part.value, part.count) for key, part in found.parts.items()} == {
        "kiosk": (4 / 9, 4), "personal": (3 / 9, 3), "mediated": (2 / 9, 2), "other": (0, 0)}


# --- The report: small figures hidden, previous period, same content from API and CLI ---------

@pytest.fixture
def crowd(app, territories, make_wave):
    """Sanitas: 12 respondents in March (7 women), 4 in February; two committees, of 12
    (validated in February) and of 3 (in March)."""
    wave = make_wave("sanitas", days=(0, 1))
    wave.opens_on, wave.closes_on = date(2025, 1, 1), date(2025, 12, 31)
    for day in range(1, 13):
        respond(wave, at(3, day), territories["sanitas"], gender="woman" if day <= 7 else "man")
    for day in range(1, 5):
        respond(wave, at(2, day + 10), territories["sanitas"], gender="woman")
    consultation = create_consultation({"fr": "Square"}, territories["sanitas"])
    db.session.flush()
    for name, size, validated in (("Grand comité", 12, at(2, 15)), ("Petit comité", 3, at(3, 15))):
        committee = Committee(consultation_id=consultation.id, name=name)
        db.session.add(committee)
        db.session.flush()
        for _ in range(size):
            who = Participant(consultation_id=consultation.id, origin=Origin.kiosk)
            db.session.add(who)
            db.session.flush()
            db.session.add(CommitteeMember(committee_id=committee.id, participant_id=who.id, display_name="X",
                                           status=MembershipStatus.validated, validated_at=validated))
    db.session.commit()


def report_for(territories, slug="sanitas"):
    from insights.indicators import find, indicator_report

    report = indicator_report(territories[slug], MARCH)
    return report, lambda indicator_id: find(report, indicator_id)


def figures(report):
    """Every figure of the report, parts and previous periods included."""
    for item in report["indicators"]:
        yield item
        yield item["previous"]
        yield from item["series"]
        for part in item["parts"]:
            yield part
            yield part["previous"]


def test_no_figure_rests_on_fewer_than_10_people(crowd, territories):
    report, _find = report_for(territories)
    shown = [f for f in figures(report) if f.get("count_of") == "people" and not f["suppressed"]]
    assert shown, "the crowd has figures large enough to show"
    assert all(f["count"] >= 10 and f["value"] is not None for f in shown)
    hidden = [f for f in figures(report) if f["suppressed"]]
    assert hidden and all(f["value"] is None and f["count"] is None for f in hidden)


def test_a_figure_is_compared_with_the_previous_period_only_when_both_are_shown(crowd, territories):
    report, find = report_for(territories)
    women = find("women_share")
    assert (women["value"], women["count"]) == (round(7 / 12, 4), 12)
    assert women["previous"]["suppressed"] is True  # 4 respondents in February
    assert women["change"] is None
    assert report["previous_period"] == {"from": "2025-02-01", "to": "2025-02-28"}
    assert [entry["value"] for entry in find("contributors")["series"]] == [None, 12]


def test_a_hidden_part_cannot_be_recovered_by_subtraction(crowd, territories):
    _report, find = report_for(territories)
    committees = find("committee_residents")
    assert committees["value"] == 15
    by_name = {part["label"]: part for part in committees["parts"]}
    assert by_name["Petit comité"]["suppressed"] is True
    # 15 - 12 would give the small committee away: the smallest other part is hidden too,
    # and in the previous period as well, where it had the same 12 members.
    assert by_name["Grand comité"]["suppressed"] is True
    assert by_name["Grand comité"]["previous"]["suppressed"] is True


def test_definitions_are_in_the_readers_language(crowd, territories, app):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("fr"):
        _report, find = report_for(territories)
        assert find("women_share")["label"] == "Part des femmes"
        assert find("women_share")["definition"].startswith("Part des femmes parmi")


def test_api_and_cli_give_the_same_content(crowd, territories, client, auth, make_user, runner):
    from flask import json

    evaluator = make_user("evaluator", ("metropole",))
    auth.login(evaluator)
    answer = client.get("/api/v1/indicators?territory=sanitas&from=2025-03-01&to=2025-03-31")
    assert answer.status_code == 200
    printed = runner.invoke(args=["insights", "indicators", "--territory", "sanitas", "--from", "2025-03-01",
                                  "--to", "2025-03-31", "--json"])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.output) == answer.get_json()
    assert answer.get_json()["period"] == {"from": "2025-03-01", "to": "2025-03-31"}


@pytest.mark.parametrize("query, status", [
    ("territory=sanitas&from=2025-03-01&to=2025-03-31", 200),
    ("territory=rabiere", 403),  # a facilitator of Sanitas
    ("territory=nowhere", 404),
    ("", 400),
    ("territory=sanitas&from=31/03/2025", 400),
    ("territory=sanitas&from=2025-04-01&to=2025-03-01", 400),
])
def test_api_checks_its_reader_and_parameters(territories, client, auth, make_user, query, status):
    auth.login(make_user("facilitator", ("sanitas",)))
    answer = client.get(f"/api/v1/indicators?{query}")
    assert answer.status_code == status
    if status == 400:
        assert answer.get_json()["message"]


def test_api_refuses_anonymous_callers(territories, client):
    assert client.get("/api/v1/indicators?territory=sanitas").status_code == 401


def test_cli_explains_a_bad_period(territories, runner):
    printed = runner.invoke(args=["insights", "indicators", "--territory", "sanitas", "--from", "2025-13-01"])
    assert printed.exit_code != 0 and "AAAA-MM-JJ" in printed.output  # French, the default

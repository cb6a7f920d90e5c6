"""Hostile input never reaches a 500, changes nothing when refused, and never breaks an export.

A corpus of requests (API and HTML forms, residents' and staff's) replayed on SQLite and
PostgreSQL: lone surrogates, NUL and other controls, bidi overrides, deep nesting,
oversized bodies, invalid UTF-8, huge / negative / fractional integers, wrong JSON types,
text that the privacy scrubber makes longer than its column, out-of-range staff dates.
After the corpus, every export of the wave must still be produced.
"""
import json
import uuid
from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlalchemy import select

from deliberation import operations as ops
from deliberation.models import (
    Comment,
    CommentReport,
    Committee,
    CommitteeMember,
    Consultation,
    Idea,
    InstitutionQuestion,
    Origin,
    PairwiseVote,
    PaperBallot,
    Statement,
    StatementVote,
    Support,
)
from surveys.models import Answer, Response, Wave
from tests.conftest import count_rows
from voix.accounts.auth import issue_api_token
from voix.extensions import db
from voix.institutions.models import Institution, InstitutionCode
from voix.request_input import bounded_int, clean_string

HUGE = 2**64
STORED_MODELS = (Response, Answer, Idea, Comment, CommentReport, InstitutionQuestion, PairwiseVote, StatementVote,
                 Support, CommitteeMember, Committee, Consultation, Wave, PaperBallot)
QUESTIONS = [dict(code="texte", type="long_text", text={"fr": "Votre avis ?", "en": "Your view?"}),
             dict(code="nombre", type="number", text={"fr": "Combien ?", "en": "How many?"})]


def new_uuid():
    return str(uuid.uuid4())


def snapshot():
    return {model.__name__: count_rows(model) for model in STORED_MODELS}


@dataclass
class World:
    wave: int
    consultation: int
    idea: int
    comment: int
    statement: int
    institution: int
    committee: int
    token: str
    api_token: str


@pytest.fixture
def world(app, client, territories, make_wave, make_user):
    wave = make_wave(questions=QUESTIONS)
    c = ops.create_consultation({"fr": "Le square"}, territories["sanitas"], support_cap=3)
    carrier = ops.new_participant(c, Origin.personal)
    idea = ops.propose_idea(c, carrier, title="Des bancs", body="Des bancs à l'ombre")
    statement = Statement(consultation_id=c.id, text="Le square est sale")
    mairie = Institution(code=InstitutionCode.mairie, name="Mairie de Tours", territory=territories["tours"])
    committee = Committee(consultation_id=c.id, name="Comité")
    db.session.add_all([statement, mairie, committee])
    db.session.commit()
    comment, _ = ops.add_comment(idea, carrier, "Bonne idée", ops.Position.neutral, uuid=new_uuid())
    api_token = issue_api_token(make_user("facilitator", ("sanitas",), email="api@example.org"), "export")
    db.session.commit()
    token = client.post(f"/api/v1/consultations/{c.id}/participants", json={}).get_json()["token"]
    return World(wave.id, c.id, idea.id, comment.id, statement.id, mairie.id, committee.id, token, api_token)


@dataclass
class Case:
    kind: str  # what is hostile about it, counted in docs/security.md
    path: str  # formatted with the World's fields
    body: object = None  # a function World -> JSON value, or raw text / bytes sent as application/json
    query: str = ""
    refused: bool = True  # False: accepted once cleaned (the stored text is then checked by the test)
    method: str = "POST"
    extra: dict = field(default_factory=dict)


def _raw(text):
    return lambda w: text.replace("{token}", w.token).replace("{uuid}", new_uuid())


def deep(depth):
    return "[" * depth + "]" * depth


RESPONSES, PROPOSE, COMMENT = "/api/v1/waves/{wave}/responses", "/api/v1/consultations/{consultation}/ideas", \
    "/api/v1/ideas/{idea}/comments"
PAIRWISE, REPORT, ASK = "/api/v1/consultations/{consultation}/pairwise", "/api/v1/comments/{comment}/reports", \
    "/api/v1/consultations/{consultation}/questions"
SUPPORT, VOTE = "/api/v1/ideas/{idea}/supports", "/api/v1/statements/{statement}/votes"


def answer(value, **extra):
    return lambda w: {"uuid": new_uuid(), "answers": {"texte": value} if value is not None else {}, **extra}


def idea(**fields):
    return lambda w: {"token": w.token, "uuid": new_uuid(), **{"title": "Un titre", "body": "Un texte"}, **fields}


def comment(**fields):
    return lambda w: {"token": w.token, "uuid": new_uuid(), "body": "Un avis", **fields}


def pair(winner, loser=None):
    return lambda w: {"token": w.token, "uuid": new_uuid(), "winner": winner, "loser": w.idea if loser is None else loser}


def question(**fields):
    return lambda w: {"token": w.token, "uuid": new_uuid(), "institution": w.institution, "text": "Quand ?", **fields}


API_CASES = [
    # Lone surrogates: dropped, the rest is stored; raw UTF-8-encoded surrogates are not UTF-8.
    Case("surrogate", RESPONSES, _raw('{"uuid": "{uuid}", "answers": {"texte": "\\ud800x"}}'), refused=False),
    Case("surrogate", RESPONSES, _raw('{"uuid": "{uuid}", "answers": {"texte": "a\\udfffb\\ud83d"}}'), refused=False),
    Case("surrogate", RESPONSES, _raw('{"uuid": "{uuid}", "answers": {"\\ud800": "x"}}'), refused=False),  # no such question
    Case("surrogate", PROPOSE, _raw('{"token": "{token}", "title": "\\ud800Bancs", "body": "x\\udc00y"}'),
         refused=False),
    Case("surrogate", COMMENT, _raw('{"token": "{token}", "uuid": "{uuid}", "body": "\\ud800avis"}'), refused=False),
    Case("surrogate", ASK, lambda w: {**question()(w), "text": "Quand\ud800 ?"}, refused=False),
    Case("surrogate", REPORT, _raw('{"token": "{token}", "reason": "\\ud800spam"}'), refused=False),
    Case("encoding", RESPONSES, lambda w: b'{"uuid": "' + new_uuid().encode() + b'", "answers": {"texte": "\xed\xa0\x80"}}'),
    Case("encoding", RESPONSES, lambda w: b'{"uuid": "' + new_uuid().encode() + b'", "answers": {"texte": "\xff\xfe"}}'),
    Case("encoding", PROPOSE, lambda w: ('{"token": "%s", "title": "caf\xe9", "body": "x"}' % w.token).encode("latin-1")),
    # NUL and other control characters: dropped.
    Case("control", RESPONSES, answer("avant\x00après"), refused=False),
    Case("control", RESPONSES, answer("\x1b[31mrouge\x07"), refused=False),
    Case("control", PROPOSE, idea(title="Bancs\x00", body="x\x00y", theme="Cadre\x00 de vie"), refused=False),
    Case("control", COMMENT, comment(body="\x00\x00avis"), refused=False),
    Case("control", REPORT, lambda w: {"token": w.token, "reason": "spam\x00"}, refused=False),
    Case("control", COMMENT, comment(body="\x00\x00\x00")),  # nothing left: refused like an empty comment
    Case("control", PROPOSE, idea(title="\x00")),
    # Bidi overrides: removed.
    Case("bidi", PROPOSE, idea(title="facture\u202egpj.exe"), refused=False),
    Case("bidi", RESPONSES, answer("facture\u202egpj.exe\u2066"), refused=False),
    Case("bidi", COMMENT, comment(body="\u202dinversé\u202c"), refused=False),
    # Nesting and size.
    Case("nesting", RESPONSES, _raw('{"uuid": "{uuid}", "answers": {"texte": %s}}' % deep(5000))),
    Case("nesting", RESPONSES, _raw(deep(100_000))),
    Case("nesting", PROPOSE, _raw('{"token": "{token}", "title": %s, "body": "x"}' % ("{\"a\":" * 3000 + "1" + "}" * 3000))),
    Case("nesting", RESPONSES, _raw('{"uuid": "{uuid}", "answers": {"texte": %s}}' % deep(40))),
    Case("size", RESPONSES, answer("x" * 400_000)),
    Case("size", RESPONSES, answer("x" * 60_000)),
    Case("size", PROPOSE, idea(title="t" * 151)),
    Case("size", PROPOSE, idea(body="b" * 3001)),
    Case("size", COMMENT, comment(body="c" * 2001)),
    Case("size", ASK, question(text="q" * 1001)),
    Case("size", PROPOSE, idea(theme="t" * 61)),
    Case("size", REPORT, lambda w: {"token": w.token, "reason": "r" * 10_000}, refused=False),  # kept short
    # Scrubbing makes the text longer than its column.
    Case("overlong after scrub", PROPOSE, idea(title="a@b.c " * 25)),
    Case("overlong after scrub", PROPOSE, idea(title="a@b.c" * 25), refused=False),  # 103 characters once scrubbed
    Case("overlong after scrub", PROPOSE, idea(theme="a@b.c " * 10)),
    Case("overlong after scrub", RESPONSES, answer("a@b.c " * 600), refused=False),  # JSON value: no column limit
    # Not JSON, or JSON that Python reads but JSON forbids.
    Case("not json", RESPONSES, _raw('{"uuid": "{uuid}", "answers": {"nombre": NaN}}')),
    Case("not json", RESPONSES, _raw('{"uuid": "{uuid}", "answers": {"nombre": Infinity}}')),
    Case("not json", RESPONSES, _raw('{"uuid": "{uuid}", "answers": {"nombre": 1e999}}')),
    Case("not json", RESPONSES, _raw('{"uuid": "{uuid}", "answers": ')),
    Case("not json", RESPONSES, _raw("")),
    Case("not json", RESPONSES, _raw("null")),
    Case("not json", PROPOSE, _raw('"just a string"')),
    # Huge integers.
    Case("huge int", RESPONSES, lambda w: {"uuid": new_uuid(), "answers": {"nombre": HUGE}}, refused=False),  # no max
    Case("huge int", RESPONSES, lambda w: {"uuid": new_uuid(), "answers": {"nombre": 10**400}}),
    Case("huge int", PAIRWISE, pair(HUGE)),
    Case("huge int", PAIRWISE, pair(10**30, HUGE)),
    Case("huge int", COMMENT, comment(parent=HUGE)),
    Case("huge int", ASK, question(institution=HUGE)),
    Case("huge int", VOTE, lambda w: {"token": w.token, "uuid": new_uuid(), "value": HUGE}),
    Case("huge int", "/api/v1/waves/99999999999999999999/responses", answer("x")),
    Case("huge int", "/api/v1/ideas/99999999999999999999/comments", comment()),
    # Negative and zero ids.
    Case("negative int", PAIRWISE, pair(-1)),
    Case("negative int", PAIRWISE, pair(0)),
    Case("negative int", COMMENT, comment(parent=-5)),
    Case("negative int", ASK, question(institution=-1)),
    Case("negative int", VOTE, lambda w: {"token": w.token, "uuid": new_uuid(), "value": -2}),
    # Floats where ints are expected.
    Case("float", PAIRWISE, lambda w: pair(w.idea + 0.5)(w)),
    Case("float", PAIRWISE, pair(1e300)),
    Case("float", COMMENT, lambda w: comment(parent=w.comment + 0.0)(w)),
    Case("float", VOTE, lambda w: {"token": w.token, "uuid": new_uuid(), "value": 1.0}),
    Case("float", RESPONSES, lambda w: {"uuid": new_uuid(), "answers": {"nombre": 1e308 * 10}}),
    # Wrong types.
    Case("wrong type", PAIRWISE, pair("abc")),
    Case("wrong type", PAIRWISE, pair([1])),
    Case("wrong type", PAIRWISE, pair(None, None)),
    Case("wrong type", PAIRWISE, pair(True)),
    Case("wrong type", PAIRWISE, lambda w: pair(str(w.idea))(w)),
    Case("wrong type", COMMENT, comment(parent="1")),
    Case("wrong type", COMMENT, comment(parent={"id": 1})),
    Case("wrong type", COMMENT, comment(body={"a": 1})),
    Case("wrong type", COMMENT, comment(body=["avis"])),
    Case("wrong type", COMMENT, comment(position=["for"])),
    Case("wrong type", COMMENT, comment(uuid={"a": 1})),
    Case("wrong type", PROPOSE, lambda w: {**idea()(w), "token": {"a": 1}}),
    Case("wrong type", PROPOSE, lambda w: {**idea()(w), "token": ["x"]}),
    Case("wrong type", PROPOSE, lambda w: {**idea()(w), "token": 12}),
    Case("wrong type", PROPOSE, idea(title={"a": 1})),
    Case("wrong type", PROPOSE, idea(title=["a", "b"])),
    Case("wrong type", PROPOSE, idea(body=12)),
    Case("wrong type", PROPOSE, idea(theme=["x"])),
    Case("wrong type", PROPOSE, idea(language={"fr": 1}), refused=False),  # an unknown language is French
    Case("wrong type", ASK, question(text=["Quand ?"])),
    Case("wrong type", ASK, question(institution="abc")),
    Case("wrong type", ASK, question(institution=[1])),
    Case("wrong type", REPORT, lambda w: {"token": w.token, "reason": {"a": 1}}),
    Case("wrong type", REPORT, lambda w: {"token": {"a": 1}}),
    Case("wrong type", SUPPORT, lambda w: {"token": w.token, "uuid": {"a": 1}}),
    Case("wrong type", SUPPORT, lambda w: {"token": w.token, "uuid": HUGE}),
    Case("wrong type", VOTE, lambda w: {"token": w.token, "uuid": new_uuid(), "value": "1"}),
    Case("wrong type", RESPONSES, lambda w: {"uuid": {"a": 1}, "answers": {}}),
    Case("wrong type", RESPONSES, lambda w: {"uuid": new_uuid(), "answers": ["x"]}),
    Case("wrong type", RESPONSES, lambda w: {"uuid": new_uuid(), "answers": "x"}),
    Case("wrong type", RESPONSES, lambda w: {"uuid": new_uuid(), "answers": {"texte": {"a": 1}}}),
    Case("wrong type", RESPONSES, lambda w: {"uuid": new_uuid(), "answers": {"texte": ["a"]}}),
    Case("wrong type", RESPONSES, lambda w: {"uuid": new_uuid(), "answers": {"nombre": "12abc"}}),
    Case("wrong type", RESPONSES, lambda w: {"uuid": new_uuid(), "answers": {"nombre": "²"}}),
    Case("wrong type", RESPONSES, lambda w: {"uuid": new_uuid(), "answers": {}, "about": ["x"]}),
    Case("wrong type", RESPONSES, lambda w: {"uuid": new_uuid(), "answers": {}, "about": {"quartier": {"a": 1}}}),
    Case("wrong type", RESPONSES, lambda w: {"uuid": new_uuid(), "answers": {}, "panel_code": {"a": 1}},
         refused=False),  # not a panel survey: ignored
    Case("wrong type", RESPONSES, lambda w: {"uuid": new_uuid(), "answers": {}, "language": ["fr"]}, refused=False),
    Case("wrong type", RESPONSES, lambda w: [1, 2, 3]),
    # Query strings and paths.
    Case("query", "/api/v1/waves", method="GET", query="territory=%00"),
    Case("query", "/api/v1/waves", method="GET", query="territory=%ED%A0%80"),
    Case("query", "/api/v1/waves", method="GET", query="territory=" + "x" * 5000),
    Case("query", "/api/v1/consultations/{consultation}/ideas/similar", method="GET", query="text=%00%ED%A0%80bancs"),
    Case("query", "/api/v1/waves/{wave}/export", method="GET", query="format=%00"),
    Case("query", "/api/v1/waves/{wave}/export", method="GET", query="format=wide%ED%A0%80"),
    Case("query", "/api/v1/consultations/-1", method="GET"),
    Case("query", "/api/v1/consultations/99999999999999999999", method="GET"),
]


def _send(client, case: Case, w: World):
    path = case.path.format(**vars(w)) + (f"?{case.query}" if case.query else "")
    headers = {"Authorization": f"Bearer {w.api_token}"}
    if case.method == "GET":
        return client.get(path, headers=headers)
    body = case.body(w) if callable(case.body) else case.body
    if isinstance(body, (str, bytes)):
        return client.post(path, data=body, content_type="application/json", headers=headers)
    return client.post(path, json=body, headers=headers)


def _stored_texts():
    db.session.rollback()
    texts = [a.value for a in db.session.scalars(select(Answer)) if isinstance(a.value, str)]
    texts += [t for i in db.session.scalars(select(Idea)) for t in (i.title, i.body, i.theme or "")]
    texts += [c.body for c in db.session.scalars(select(Comment))]
    texts += [q.text for q in db.session.scalars(select(InstitutionQuestion))]
    texts += [r.reason for r in db.session.scalars(select(CommentReport))]
    texts += [m.display_name for m in db.session.scalars(select(CommitteeMember))]
    return texts


def _hostile_characters(text: str) -> list[str]:
    return [hex(ord(c)) for c in text if 0xD800 <= ord(c) <= 0xDFFF or ord(c) < 0x20 and c not in "\n\t\r"
            or c in "\u202a\u202b\u202d\u202e\u2066\u2067\u2068"]


def _check_exports(client, w: World):
    headers = {"Authorization": f"Bearer {w.api_token}"}
    for fmt in ("wide", "long", "xlsx", "sav"):
        response = client.get(f"/api/v1/waves/{w.wave}/export?format={fmt}", headers=headers)
        assert response.status_code == 200, (fmt, response.status_code, response.data[:300])
        assert len(response.data) > 0


def test_api_corpus_never_500_and_refusals_store_nothing(client, world):
    failures = []
    for index, case in enumerate(API_CASES):
        before = snapshot()
        response = _send(client, case, world)
        after = snapshot()
        label = f"#{index} {case.kind} {case.path} {str(case.body(world) if callable(case.body) else '')[:80]!r}"
        if response.status_code >= 500:
            failures.append(f"{label}: {response.status_code}")
        elif case.refused and case.method == "POST" and not 400 <= response.status_code < 500:
            failures.append(f"{label}: accepted ({response.status_code}) {response.data[:200]!r}")
        elif case.refused and after != before:
            failures.append(f"{label}: refused ({response.status_code}) but stored {after} (was {before})")
        elif not case.refused and response.status_code >= 400:
            failures.append(f"{label}: refused ({response.status_code}) {response.data[:200]!r}")
        if 400 <= response.status_code < 500:
            body = response.get_json(silent=True)
            if not (isinstance(body, dict) and isinstance(body.get("message"), str) and body["message"]):
                failures.append(f"{label}: {response.status_code} without a JSON message: {response.data[:200]!r}")
    assert not failures, "\n".join(failures)
    leftovers = {text: _hostile_characters(text) for text in _stored_texts() if _hostile_characters(text)}
    assert not leftovers
    _check_exports(client, world)


def test_the_reviewed_surrogate_is_stored_clean_and_every_export_still_works(client, world):
    raw = '{"uuid": "%s", "answers": {"texte": "\\ud800x"}}' % new_uuid()
    response = client.post(f"/api/v1/waves/{world.wave}/responses", data=raw, content_type="application/json")
    assert response.status_code == 201
    db.session.rollback()
    assert db.session.scalar(select(Answer.value)) == "x"
    _check_exports(client, world)
    headers = {"Authorization": f"Bearer {world.api_token}"}
    wide = client.get(f"/api/v1/waves/{world.wave}/export?format=wide", headers=headers)
    assert "x" in wide.data.decode("utf-8-sig")


def test_deep_json_is_refused_with_a_translated_reason(client, world):
    raw = '{"uuid": "%s", "answers": {"texte": %s}}' % (new_uuid(), deep(5000))
    path = f"/api/v1/waves/{world.wave}/responses"
    english = client.post(path + "?lang=en", data=raw, content_type="application/json")
    french = client.post(path + "?lang=fr", data=raw, content_type="application/json")
    assert english.status_code == french.status_code == 400
    assert "nested" in english.get_json()["message"]
    assert english.get_json()["message"] != french.get_json()["message"]
    assert count_rows(Response) == 0


def test_bidi_override_is_removed_from_an_idea_title(client, world):
    response = client.post(f"/api/v1/consultations/{world.consultation}/ideas",
                           json={"token": world.token, "title": "facture\u202egpj.exe", "body": "Voir la pièce"})
    assert response.status_code == 201
    assert response.get_json()["title"] == "facturegpj.exe"


def test_title_made_too_long_by_scrubbing_is_a_422_in_the_users_language(client, world):
    path = f"/api/v1/consultations/{world.consultation}/ideas?lang=en"
    response = client.post(path, json={"token": world.token, "title": "a@b.c " * 25, "body": "x"})
    assert response.status_code == 422 and "150" in response.get_json()["message"]
    assert count_rows(Idea) == 1


# --- HTML forms -----------------------------------------------------------------------------


def _form_cases(w: World):
    """(kind, path, form data, refused) for residents' forms; a session participant is made on the way."""
    c, i = w.consultation, w.idea
    return [
        ("huge int", f"/consultations/idees/{i}/commentaires", {"body": "Avis", "parent": "99999999999999999999"}, True),
        ("negative int", f"/consultations/idees/{i}/commentaires", {"body": "Avis", "parent": "-5"}, True),
        ("wrong type", f"/consultations/idees/{i}/commentaires", {"body": "Avis", "parent": "abc"}, True),
        ("wrong type", f"/consultations/idees/{i}/commentaires", {"body": "Avis", "parent": "²"}, True),
        ("float", f"/consultations/idees/{i}/commentaires", {"body": "Avis", "parent": "1.5"}, True),
        ("control", f"/consultations/idees/{i}/commentaires", {"body": "\x00\x00"}, True),
        ("control", f"/consultations/idees/{i}/commentaires", {"body": "Avis\x00 nul", "uuid": new_uuid()}, False),
        ("bidi", f"/consultations/idees/{i}/commentaires", {"body": "\u202eevil", "uuid": new_uuid()}, False),
        ("control", f"/consultations/commentaires/{w.comment}/signaler", {"reason": "spam\x00"}, False),
        ("control", f"/consultations/{c}/comites/{w.committee}", {"display_name": "Amina\x00"}, False),
        ("size", f"/consultations/{c}/proposer", {"title": "Bancs", "body": "x", "theme": "t" * 61, "confirmed": "1"}, True),
        ("overlong after scrub", f"/consultations/{c}/proposer",
         {"title": "a@b.c " * 25, "body": "x", "confirmed": "1"}, True),
        ("control", f"/consultations/{c}/proposer",
         {"title": "Jeux\x00", "body": "Des jeux\x00", "theme": "Loisirs\x00", "confirmed": "1"}, False),
        ("encoding", f"/consultations/{c}/proposer",
         b"title=%ED%A0%80&body=%FF%FE&confirmed=1", False),
        ("control", f"/enquete/{w.wave}", {"uuid": new_uuid(), "q-texte": "Mon\x00 avis\u202e", "q-nombre": "3"}, False),
        ("huge int", f"/enquete/{w.wave}", {"uuid": new_uuid(), "q-nombre": "9" * 400}, False),
        ("wrong type", f"/enquete/{w.wave}", {"uuid": new_uuid(), "q-nombre": "²"}, True),
        ("wrong type", f"/enquete/{w.wave}", {"uuid": "\x00", "q-texte": "x"}, True),
        ("huge int", f"/consultations/{c}/duel", {"winner": "99999999999999999999", "loser": str(i), "uuid": new_uuid()}, True),
        ("huge int", f"/consultations/{c}/affirmations",
         {"statement": "99999999999999999999", "value": "1", "uuid": new_uuid()}, True),
        ("huge int", f"/consultations/{c}/affirmations",
         {"statement": str(w.statement), "value": "99999999999999999999", "uuid": new_uuid()}, True),
        ("huge int", f"/consultations/{c}/questions",
         {"institution": "99999999999999999999", "text": "Quand ?", "confirmed": "1", "uuid": new_uuid()}, True),
    ]


def _post_form(client, path, data):
    if isinstance(data, bytes):
        return client.post(path, data=data, content_type="application/x-www-form-urlencoded")
    return client.post(path, data=data)


def test_resident_forms_never_500_and_refusals_store_nothing(client, world):
    client.get(f"/consultations/{world.consultation}")  # a session participant
    failures = []
    for kind, path, data, refused in _form_cases(world):
        before = snapshot()
        response = _post_form(client, path, data)
        if response.status_code >= 500:
            failures.append(f"{kind} {path} {data!r}: {response.status_code}")
        elif refused and snapshot() != before:
            failures.append(f"{kind} {path} {data!r}: refused input stored something: {snapshot()} (was {before})")
    assert not failures, "\n".join(failures)
    leftovers = {text: _hostile_characters(text) for text in _stored_texts() if _hostile_characters(text)}
    assert not leftovers


def test_staff_forms_refuse_out_of_range_numbers_and_dates(client, auth, make_user, world):
    auth.login(make_user("facilitator", ("sanitas", "tours"), email="staff@example.org"))
    questionnaire_id = db.session.get(Wave, world.wave).questionnaire_id
    c = world.consultation
    cases = [
        ("/animation/consultations/", {"territory": "1", "title_fr": "Cap", "support_cap": str(10**20)}),
        ("/animation/consultations/", {"territory": "99999999999999999999", "title_fr": "Loin"}),
        ("/animation/consultations/", {"territory": "1", "title_fr": "Ancienne", "opens_on": "0001-01-01T00:00"}),
        ("/animation/consultations/", {"territory": "1", "title_fr": "Future", "closes_on": "9999-12-31T23:59"}),
        ("/animation/consultations/", {"territory": "1", "title_fr": "Cap", "support_cap": "²"}),
        (f"/animation/consultations/{c}/calendrier", {"opens_on": "0001-01-01T00:00", "closes_on": ""}),
        (f"/animation/consultations/{c}/calendrier", {"opens_on": "", "closes_on": "9999-12-31T23:59"}),
        (f"/animation/enquetes/{questionnaire_id}/vagues", {"territory": "1", "opens_on": "0001-01-01",
                                                            "closes_on": "0001-02-01"}),
        (f"/animation/enquetes/{questionnaire_id}/vagues", {"territory": "1", "opens_on": "2027-01-01",
                                                            "closes_on": "9999-12-31"}),
        (f"/animation/consultations/{c}/bulletins-papier", {"uuid": new_uuid(), f"idea-{world.idea}": "²"}),
        (f"/animation/consultations/{c}/bulletins-papier", {"uuid": new_uuid(), f"idea-{world.idea}": "١٢"}),
        (f"/animation/consultations/{c}/bulletins-papier", {"uuid": new_uuid(), "idea-99999999999999999999": "1"}),
        (f"/animation/consultations/{c}/bulletins-papier", {"uuid": new_uuid(), "idea-²": "1"}),
        (f"/animation/consultations/{c}/bulletins-papier", {"uuid": new_uuid(), f"idea-{world.idea}": "-1"}),
        (f"/animation/consultations/{c}/bulletins-papier", {"uuid": new_uuid(), f"idea-{world.idea}": "1" * 30}),
    ]
    territory_ids = {"sanitas": db.session.get(Wave, world.wave).territory_id}
    failures = []
    for path, data in cases:
        data = {k: (str(territory_ids.get("sanitas", 1)) if k == "territory" and v == "1" else v) for k, v in data.items()}
        before = snapshot()
        response = client.post(path, data=data)
        if response.status_code >= 500:
            failures.append(f"{path} {data!r}: {response.status_code}")
        elif snapshot() != before:
            failures.append(f"{path} {data!r}: stored {snapshot()} (was {before})")
    assert not failures, "\n".join(failures)
    db.session.rollback()
    consultation = db.session.get(Consultation, c)
    assert consultation.opens_on is None and consultation.closes_on is None


def test_next_wave_after_a_year_9999_wave_is_refused_not_a_500(client, auth, make_user, world):
    wave = db.session.get(Wave, world.wave)
    wave.opens_on, wave.closes_on = date(9999, 12, 1), date(9999, 12, 31)  # as an old import could have left it
    db.session.commit()
    auth.login(make_user("facilitator", ("sanitas",), email="staff@example.org"))
    response = client.post(f"/animation/enquetes/vagues/{world.wave}/suivante")
    assert response.status_code < 500
    assert count_rows(Wave) == 1


# --- The boundary itself ---------------------------------------------------------------------


def test_clean_string_keeps_text_and_drops_what_breaks_it():
    assert clean_string("Cafe\u0301 du coin\n\tligne") == "Café du coin\n\tligne"  # NFC, lines kept
    assert clean_string("a\x00b\x1bc\x7f\x85d") == "abcd"
    assert clean_string("\ud800x\udfff") == "x"
    assert clean_string("😀 مرحبا") == "😀 مرحبا"
    assert clean_string("facture\u202egpj.exe") == "facturegpj.exe"
    assert clean_string("a\u2067b\u2069c") == "a\u2067b\u2069c"  # a closed isolate is kept
    assert clean_string("a\u2067b\nc\u2069") == "ab\nc"  # unclosed in its line: dropped, as is the stray closer
    assert clean_string("a\u202bb\u202c\u202c") == "a\u202bb\u202c"
    assert clean_string("\u200fشكرا\u200e") == "\u200fشكرا\u200e"  # marks are not controls


def test_bounded_int_reads_ascii_digits_in_range_only():
    assert bounded_int(12) == 12 and bounded_int(" 42 ") == 42 and bounded_int("-3") == -3
    for bad in (2**31, HUGE, "99999999999999999999", "²", "١٢", "1.5", 1.0, True, None, [1], "", "-", "+1"):
        assert bounded_int(bad) is None, bad
    assert bounded_int(5, 1, 4) is None and bounded_int(0, 1) is None


def test_form_get_type_int_is_bounded(app):
    with app.test_request_context("/?n=99999999999999999999&m=²&k=7", method="GET"):
        from flask import request
        assert request.args.get("n", type=int) is None
        assert request.args.get("m", type=int) is None
        assert request.args.get("k", type=int) == 7
        assert request.args.get("n", 3, type=int) == 3


def test_json_body_counts_as_cleaned_text(app):
    with app.test_request_context("/", method="POST", data=json.dumps({"a\u202e": ["b\x00"]}),
                                  content_type="application/json"):
        from flask import request
        assert request.get_json() == {"a": ["b"]}


def test_every_string_of_a_json_body_is_cleaned_wherever_it_sits(app):
    # The body reader skips the cleaning for what cannot need it (numbers, printable ASCII):
    # every other string, key or value, nested or not, still comes out as clean_string says.
    strings = ["plain", "caf\u00e9", "cafe\u0301", "a\u202eb", "x\x00y", "\ud800z", "tab\tand\nline", "\u2067isolated"]
    body = {text: [text, {text: text, "n": [1, 2.5, True, None]}] for text in strings}
    cleaned = {clean_string(text): [clean_string(text), {clean_string(text): clean_string(text), "n": [1, 2.5, True, None]}]
               for text in strings}
    data = json.dumps(body).encode()
    assert app.json.loads(data) == cleaned
    assert json.dumps(app.json.loads(data)) == json.dumps(cleaned)  # the same types too (True stays True, not 1)
    assert app.json.loads(json.dumps(strings)) == [clean_string(text) for text in strings]
    assert app.json.loads('"caf\\u00e9\\u202e"') == "caf\u00e9"


def test_a_json_body_starting_with_a_byte_order_mark_is_refused_as_before(client, world):
    path = f"/api/v1/waves/{world.wave}/responses"
    response = client.post(path, data="\ufeff{}".encode(), content_type="application/json")
    broken = client.post(path, data=b"{", content_type="application/json")
    assert response.status_code == broken.status_code == 400
    assert response.get_json()["message"] == broken.get_json()["message"]


def test_an_imported_questionnaire_file_is_outside_text_too(client, auth, make_user, territories):
    from io import BytesIO

    from surveys.models import Question, Questionnaire

    csv = ("survey,,,,\n,type,name,label,required\n"
           ",text,avis,Votre avis\x00 ?\u202e,yes\n,integer,age,A\u0302ge,\n").encode("utf-8")
    auth.login(make_user("facilitator", ("sanitas",), email="import@example.org"))
    response = client.post("/animation/enquetes/importer", data={
        "territory": str(territories["sanitas"].id), "file": (BytesIO(csv), "enquete.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 200, response.text[:500]
    db.session.rollback()
    texts = {q.code: q.text["fr"] for q in db.session.scalars(select(Question))}
    assert texts == {"avis": "Votre avis ?", "age": "Âge"}, texts
    assert count_rows(Questionnaire) == 1


def test_a_report_reason_that_is_not_text_is_a_documented_422(client, world):
    import yaml

    from tests.test_openapi import SPEC

    response = client.post(f"/api/v1/comments/{world.comment}/reports", json={"token": world.token, "reason": 12})
    assert response.status_code == 422 and count_rows(CommentReport) == 0
    documented = yaml.safe_load(SPEC.read_text())["paths"]["/comments/{comment_id}/reports"]["post"]["responses"]
    assert "422" in documented


# --- Headers and cookies ----------------------------------------------------------------------
#
# What the app reads from them: Accept-Language (the language), X-Kiosk-Token and the kiosk
# cookie (a signed device token), Authorization (an API token), the session cookie, and
# behind a proxy X-Forwarded-For (the address that sign-in throttling counts). Values are
# put straight into the WSGI environ, as a server would: NUL, raw non-ASCII bytes, 10,000
# characters, malformed quality values and signatures.

LONG = "x" * 10_000
RAW_BYTES = "\xed\xa0\x80\xff\xfe"  # a UTF-8 surrogate and invalid bytes, as a server decodes them (Latin-1)


def _signed(payload, key="test-secret"):
    from itsdangerous import URLSafeSerializer

    return URLSafeSerializer(key, salt="voix-kiosk-device").dumps(payload)


def _header_cases(w: World):
    """(kind, method, path, environ) for the headers and cookies the app reads."""
    api_export, submit = f"/api/v1/waves/{w.wave}/export", f"/api/v1/waves/{w.wave}/responses"
    cases = []
    for value in ("\x00", LONG, "fr;q=abc", "ar;q=1e999, en;q=-1", ",,;;q=,", RAW_BYTES, "*;q=0.5\x00ar"):
        cases += [("Accept-Language", "GET", "/", {"HTTP_ACCEPT_LANGUAGE": value}),
                  ("Accept-Language", "POST", submit, {"HTTP_ACCEPT_LANGUAGE": value})]
    for value in ("\x00", LONG, RAW_BYTES, "a.b.c", _signed({"kiosk": HUGE, "nonce": "x"}), _signed({"kiosk": "1"}),
                  _signed([1, 2]), _signed({"kiosk": 1}, key="another-key")):
        cases += [("X-Kiosk-Token", "POST", submit, {"HTTP_X_KIOSK_TOKEN": value}),
                  ("kiosk cookie", "GET", "/kiosk/", {"HTTP_COOKIE": f"voix_kiosk={value}"}),
                  ("kiosk cookie", "GET", f"/consultations/{w.consultation}", {"HTTP_COOKIE": f"voix_kiosk={value}"})]
    for value in ("Bearer \x00", "Bearer " + LONG, "Bearer " + RAW_BYTES, "Bearer", "Basic Zm9vOmJhcg==", RAW_BYTES):
        cases.append(("Authorization", "GET", api_export, {"HTTP_AUTHORIZATION": value}))
    for value in ("session=\x00", "session=" + LONG, "session=" + RAW_BYTES, "session=e30.Zm9v.YmFy", "=;=;;",
                  "session=" + _signed({"staff_session": HUGE})):
        cases += [("session cookie", "GET", "/animation/enquetes/", {"HTTP_COOKIE": value}),
                  ("session cookie", "GET", "/", {"HTTP_COOKIE": value})]
    return cases


def test_hostile_headers_and_cookies_never_500(client, world):
    failures = []
    cases = _header_cases(world)
    for kind, method, path, environ in cases:
        before = snapshot()
        body = {"json": {"uuid": new_uuid(), "answers": {"texte": "x"}}} if method == "POST" else {}
        response = client.open(path, method=method, environ_overrides=environ, **body)
        if response.status_code >= 500:
            failures.append(f"{kind} {method} {path} {environ!r:.120}: {response.status_code}")
        elif method == "POST" and response.status_code == 201 and snapshot() == before:
            failures.append(f"{kind} {path}: acknowledged but not stored")
    assert not failures, "\n".join(failures)
    assert len(cases) == 56  # counted in docs/security.md


@pytest.mark.parametrize("address", ["not-an-address", "\x00", LONG, RAW_BYTES, "::ffff:999.1.1.1", "1.2.3.4, ,"])
def test_a_hostile_forwarded_address_behind_a_proxy_is_not_a_500(database_url, world, address):
    from tests.conftest import serving

    with serving(database_url, PROXY_FIX_HOPS=1) as proxied:
        for attempt in range(2):
            response = proxied.post("/connexion", data={"email": "nobody@example.org", "password": "wrong"},
                                    environ_overrides={"HTTP_X_FORWARDED_FOR": address})
            assert response.status_code in (200, 401, 429), response.status_code

"""Every page that shows text people typed isolates its direction, and no stray bidi control reaches it.

The world below holds, in every text field a resident, a facilitator, an institution or an
administrator fills in (or an import brings), a unique marker `qzxNNN`, Arabic words and an
unpaired RIGHT-TO-LEFT OVERRIDE (U+202E). The request boundary would strip the override
(voix/request_input.py): these texts are written straight to the database, so that the
templates themselves are tested. Every page of every role is then fetched (the routes of
tests/test_route_roles.py, plus the pages that need more than a GET: a kiosk, a voting
consultation, a re-shown form) and parsed, and:

- every text node holding a marker must be isolated: a `<bdi>` or an element with
  `dir="auto"` between the text and its nearest block (a paragraph, a list item, a cell,
  a button, an option...). `dir="auto"` on a block further up would take its direction
  from the page's own words, not from the resident's;
- no unpaired U+202A-U+202E / U+2066-U+2069 reaches the HTML, in text or attributes.

`<title>` cannot hold markup: it is not counted (browsers show it in the tab, isolated).
"""
import os
import re
import uuid
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from deliberation import operations as ops
from deliberation import residents
from deliberation.models import (
    AnswerStatus,
    CommentReport,
    Committee,
    Moderation,
    Origin,
    PaperBallot,
    Position,
    Statement,
)
from insights.models import Correction, SupervisedLayer, TextAnalysis
from surveys import operations as survey_ops
from surveys.models import Channel, QuestionType, WaveStatus
from surveys.submission import load_target, submit_response
from tests.conftest import fresh_database, make_app, residents_today
from tests.test_route_roles import LAST, PASSWORD, ROLES, _url
from voix.accounts.cli import create_user
from voix.accounts.models import Role
from voix.audit.models import AuditEvent
from voix.demo import _create_territories
from voix.extensions import db
from voix.institutions.models import Institution, InstitutionCode
from voix.kiosk.device import device_token
from voix.kiosk.models import Kiosk
from voix.models import utcnow
from voix.request_input import _paired_bidi_only
from voix.territories.models import Territory, territory_by_slug

MARKER = re.compile(r"qzx\d{3}")
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
RLO = "\u202e"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Where a bidi paragraph starts: an isolating element must be found before (or on) it.
BLOCKS = {
    "address", "article", "aside", "blockquote", "body", "button", "caption", "dd", "details", "dialog", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "html", "label", "legend", "li", "main", "nav", "ol", "optgroup", "option", "p", "pre", "section", "select",
    "summary", "table", "tbody", "td", "textarea", "tfoot", "th", "thead", "tr", "ul",
}
NOT_SHOWN_AS_TEXT = {"script", "style", "title", "template"}


class Marks:
    """Unique markers for the world's texts: `marks("idea title")` -> "qzx007 نص عربي \u202e!"."""

    def __init__(self):
        self.fields = {}

    def __call__(self, field: str, override=True) -> str:
        marker = f"qzx{len(self.fields):03d}"
        self.fields[marker] = field
        return f"{marker} نص عربي{RLO + '!' if override else ''}"

    def every_language(self, field: str) -> dict:
        return {lang: self(f"{field} ({lang})") for lang in ("fr", "en", "ar")}


class _Isolation(HTMLParser):
    """Counts the text nodes holding a marker, those not isolated, and stray bidi controls."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.leaks, self.nodes, self.stray, self.markers = [], [], 0, [], set()

    def handle_starttag(self, tag, attrs):
        self._check_controls(tag, " ".join(value or "" for _name, value in attrs))
        if tag in VOID:
            return
        self.stack.append((tag, dict(attrs).get("dir")))

    def handle_startendtag(self, tag, attrs):
        self._check_controls(tag, " ".join(value or "" for _name, value in attrs))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        self._check_controls(self.stack[-1][0] if self.stack else "", data)
        found = MARKER.findall(data)
        if not found or (self.stack and self.stack[-1][0] in NOT_SHOWN_AS_TEXT):
            return
        self.nodes += 1
        self.markers.update(found)
        for tag, direction in reversed(self.stack):
            if tag == "bdi" or direction == "auto":
                return
            if direction is not None or tag in BLOCKS:  # a fixed direction, or the paragraph starts here
                break
        path = ">".join(f"{t}[dir={d}]" if d else t for t, d in self.stack[-4:])
        self.leaks.append(f"{path}: {data.strip()[:50]!r}")

    def _check_controls(self, where, text):
        if BIDI_CONTROLS.search(text) and _paired_bidi_only(text) != text:
            self.stray.append(f"{where}: {text.strip()[:50]!r}")


def check(html: str) -> _Isolation:
    parser = _Isolation()
    parser.feed(html)
    parser.close()
    return parser


def test_the_checker():
    assert check('<html dir="rtl"><p>qzx001</p></html>').leaks
    assert check('<p><span>qzx001</span></p>').leaks
    assert check('<div dir="auto"><p>qzx001</p></div>').leaks  # the block further up is not the text's
    assert check('<p dir="auto"><span dir="ltr">qzx001</span></p>').leaks
    assert check('<button>qzx001</button>').leaks
    isolated = check('<p dir="auto">qzx001</p><p>Label <bdi>qzx002</bdi></p><li><a dir="auto">qzx003</a></li>'
                     '<title>qzx004</title><button><bdi><b>qzx005</b></bdi></button>')
    assert not isolated.leaks and isolated.nodes == 4
    assert check(f'<p dir="auto">a{RLO}b</p>').stray and check(f'<a title="x{RLO}">y</a>').stray
    assert not check('<p dir="auto">a\u2067b\u2069</p>').stray  # a closed isolate is the resident's own


# --- The world: every typed text marked ------------------------------------------------------


def _user(marks, role, slugs, email):
    user, _ = create_user(email, "x", Role(role), slugs, password=PASSWORD)
    user.name = marks(f"name of the {role}")
    return user


def _create_world(marks: Marks) -> dict:
    _create_territories()
    db.session.flush()
    sanitas, tours = territory_by_slug("sanitas"), territory_by_slug("tours")
    for territory in db.session.scalars(sa.select(Territory)):
        territory.name = marks(f"territory {territory.slug}")
    mairie = Institution(code=InstitutionCode.mairie, name=marks("institution name"), territory=tours,
                         aliases=[marks("institution alias")])
    db.session.add(mairie)
    users = {
        "facilitator_a": _user(marks, "facilitator", ("sanitas",), "facilitator-a@example.org"),
        "facilitator_b": _user(marks, "facilitator", ("rabiere",), "facilitator-b@example.org"),
        "evaluator_a": _user(marks, "evaluator", ("sanitas",), "evaluator-a@example.org"),
        "moderator_a": _user(marks, "moderator", ("sanitas",), "moderator-a@example.org"),
        "institution_a": _user(marks, "institution", (), "institution-a@example.org"),
        "admin": _user(marks, "admin", (), "admin@example.org"),
    }
    users["institution_a"].institution = mairie
    # The pseudonym is typed at sign-in, where the boundary strips the override: none here.
    pseudonym = marks("resident pseudonym", override=False)
    account = residents.create_account(pseudonym.replace("qzx", "Qzx"), PASSWORD)
    account.pseudonym = pseudonym

    # Surveys: a questionnaire typed by a facilitator, an open wave, a free-text answer.
    questionnaire = survey_ops.create_questionnaire({"fr": "Enquête"}, sanitas)
    db.session.flush()
    version = questionnaire.latest_version
    survey_ops.save_question(version, code="mood", type=QuestionType.smiley, text={"fr": "x"}, required=False)
    survey_ops.save_question(version, code="priority", type=QuestionType.single_choice, text={"fr": "x"},
                             options=[{"code": "clean", "label": {"fr": "x"}}, {"code": "youth", "label": {"fr": "y"}}])
    survey_ops.save_question(version, code="why", type=QuestionType.long_text, text={"fr": "x"})
    wave = survey_ops.create_wave(questionnaire, sanitas, residents_today() - timedelta(days=1),
                                  residents_today() + timedelta(days=30))
    wave.status = WaveStatus.open
    db.session.flush()
    db.session.commit()  # submit_response opens its own write transaction
    submit_response(load_target(wave.id), {"mood": 4, "priority": "clean", "why": "Les poubelles"},
                    uuid=str(uuid.uuid4()), channel=Channel.personal, language="fr",
                    about={"gender": "self_described", "gender_description": "x"})
    db.session.commit()
    questionnaire.title = marks.every_language("questionnaire title")
    questionnaire.description = marks.every_language("questionnaire description")
    for question in version.questions:
        question.text = marks.every_language(f"question {question.code}")
        question.help = marks.every_language(f"help of {question.code}")
        question.options = [{**option, "label": marks.every_language(f"option {option['code']}")}
                            for option in question.options]
    from surveys.models import Answer, Response

    why = version.question("why")
    free_text = db.session.scalar(sa.select(Answer).where(Answer.question_id == why.id))
    free_text.value = marks("free-text answer")
    db.session.scalar(sa.select(Response)).gender_description = marks("gender description")

    # Deliberation: a consultation taking proposals, one taking votes.
    consultation = ops.create_consultation({"fr": "x"}, sanitas)
    spare = ops.create_consultation({"fr": "x"}, sanitas)
    voting = ops.create_consultation({"fr": "x"}, sanitas)
    carrier = ops.new_participant(consultation, Origin.personal)
    mine = ops.new_participant(consultation, Origin.personal, resident=account)
    idea = ops.propose_idea(consultation, carrier, title="Des bancs", body="Des bancs à l'ombre du square")
    hidden = ops.propose_idea(consultation, carrier, title="Un mur", body="Un mur pour les fresques")
    own = ops.propose_idea(consultation, mine, title="Un banc", body="Un banc pour moi aussi")
    co_carrier = ops.new_participant(consultation, Origin.personal)
    db.session.flush()
    ops.co_carry(idea, co_carrier)
    comment, _ = ops.add_comment(idea, carrier, "Oui", Position.for_, uuid=str(uuid.uuid4()))
    own_comment, _ = ops.add_comment(idea, mine, "Peut-être", Position.neutral, uuid=str(uuid.uuid4()))
    hidden_comment, _ = ops.add_comment(idea, mine, "Non", Position.against, uuid=str(uuid.uuid4()))
    statement = Statement(consultation_id=consultation.id, text="x", moderation=Moderation.accepted)
    committee = Committee(consultation_id=consultation.id, name="x")
    db.session.add_all([statement, committee])
    db.session.flush()
    ops.volunteer(committee, carrier, "Samia")
    question, _ = ops.ask_question(consultation, carrier, mairie.id, "Quand ?", uuid=str(uuid.uuid4()))
    own_question, _ = ops.ask_question(consultation, mine, mairie.id, "Et quand ?", uuid=str(uuid.uuid4()))
    ops.answer_question(question, users["institution_a"], "Bientôt", uuid=str(uuid.uuid4()))
    official = ops.answer_idea(idea, mairie, users["institution_a"], AnswerStatus.accepted, "Oui")
    ops.report_comment(comment, carrier, "x")
    ops.hide(hidden, users["moderator_a"], "x")
    ops.hide(own_question, users["moderator_a"], "x")
    ops.hide(hidden_comment, users["moderator_a"], "x")
    for c, name in ((consultation, "proposing"), (spare, "spare"), (voting, "voting")):
        c.title = marks.every_language(f"consultation title ({name})")
        c.description = marks.every_language(f"consultation description ({name})")
    for item, name in ((idea, "idea"), (hidden, "hidden idea"), (own, "resident's own idea")):
        item.title, item.body, item.theme = marks(f"{name} title"), marks(f"{name} body"), marks(f"{name} theme")
        item.photo_alt = marks(f"{name} photo description")
    hidden.hidden_reason = marks("hidden idea reason")
    comment.body, hidden_comment.body = marks("comment"), marks("hidden comment")
    own_comment.body = marks("resident's own comment")
    hidden_comment.hidden_reason = marks("hidden comment reason")
    db.session.scalar(sa.select(CommentReport)).reason = marks("report reason")
    statement.text, committee.name = marks("statement"), marks("committee name")
    committee.members[0].display_name = marks("volunteer name")
    question.text, own_question.text = marks("question to an institution"), marks("resident's own question")
    own_question.hidden_reason = marks("hidden question reason")
    question.answers[0].text = marks("institution's answer to a question")
    official.text = marks("official answer to an idea")

    # The voting consultation: two ideas to compare and support, a statement to vote on.
    voter = ops.new_participant(voting, Origin.personal)
    left = ops.propose_idea(voting, voter, title="x", body="Première idée à comparer")
    right = ops.propose_idea(voting, voter, title="y", body="Seconde idée à comparer")
    db.session.add(Statement(consultation_id=voting.id, text=marks("statement to vote on"),
                             moderation=Moderation.accepted))
    ops.advance_phase(voting)
    for item, name in ((left, "left"), (right, "right")):
        item.title, item.body = marks(f"idea to compare ({name}) title"), marks(f"idea to compare ({name}) body")
    db.session.add(PaperBallot(consultation_id=voting.id, uuid=str(uuid.uuid4()), supports=3,
                               label=marks("paper ballot label"),
                               recorded_by_id=users["facilitator_a"].id))

    kiosk = Kiosk(place=marks("kiosk place"), territory=sanitas, outbox_refusals=[
        {"wave": wave.id, "answered_at": "2026-01-02T10:00:00+00:00", "reason": marks("kiosk refusal reason")}])
    db.session.add(kiosk)
    db.session.add(AuditEvent(actor=marks("audit actor"), action="export", subject=marks("audit subject"), detail={}))

    analysis = TextAnalysis(source="idea", source_id=idea.id, quartier_id=sanitas.id, written_at=utcnow(),
                            tone="negative", mentions=[{"institution": "mairie", "stance": "negative", "irony": False}])
    layer = SupervisedLayer(n_corrections=40, lexicon_macro_f1=0.5, supervised_macro_f1=0.7, beats_lexicon=True,
                            model={})
    answer_analysis = TextAnalysis(source="answer", source_id=free_text.id, quartier_id=sanitas.id, wave=1,
                                   written_at=utcnow(), tone="negative",
                                   mentions=[{"institution": "mairie", "stance": "negative", "irony": False}])
    db.session.add_all([analysis, answer_analysis, layer])
    db.session.flush()
    db.session.add(Correction(analysis_id=analysis.id, mention_index=0, institution="mairie", machine_stance="negative",
                              human_stance="positive", text=marks("corrected passage"),
                              evaluator_id=users["evaluator_a"].id))
    db.session.flush()
    return {
        "questionnaire_id": questionnaire.id, "wave_id": wave.id,
        "survey_manage:question_id": version.questions[2].id, "statement_id": statement.id,
        "consultation_id": consultation.id, "spare_consultation_id": spare.id, "voting_id": voting.id,
        "idea_id": idea.id, "hidden_idea_id": hidden.id, "comment_id": comment.id, "question_id": question.id,
        "committee_id": committee.id,
        "member_id": committee.members[0].id, "participant_id": co_carrier.id, "name": "none.jpg",
        "kiosk_id": kiosk.id, "territory_id": sanitas.id, "institution_id": mairie.id, "slug": sanitas.slug,
        "analysis_id": analysis.id, "mention_index": 0, "layer_id": layer.id, "code": "7KQ2M9XA",
        "emails": {role: user.email for role, user in users.items()}, "pseudonym": pseudonym,
    }


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("bidi")
    with fresh_database(request, folder) as url:
        config = {"UPLOAD_FOLDER": str(folder / "uploads")}
        marks = Marks()
        app = make_app(url, **config)
        with app.app_context():
            ids = _create_world(marks)
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
        server = make_app(url, **config)
        yield server, ids, marks
        with server.app_context():
            db.engine.dispose()


def _client(server, role, ids):
    client = server.test_client()
    if role == "resident":
        response = client.post("/habitants/connexion", data={"pseudonym": ids["pseudonym"], "password": PASSWORD})
        assert response.status_code == 302, response.text
    elif role == "kiosk":
        with server.app_context():
            kiosk = db.session.get(Kiosk, ids["kiosk_id"])
            client.set_cookie(server.config["KIOSK_COOKIE_NAME"], device_token(kiosk))
    elif role != "anonymous":
        response = client.post("/connexion", data={"email": ids["emails"][role], "password": PASSWORD})
        assert response.status_code == 302, response.text
    return client


def _pages(server, ids):
    """(role, what, response) for every HTML page each role can reach, and the extra ones."""
    rules = sorted((rule for rule in server.url_map.iter_rules()
                    if "GET" in rule.methods and rule.endpoint not in LAST and rule.endpoint != "static"),
                   key=lambda rule: rule.rule)
    voting, wave = ids["voting_id"], ids["wave_id"]
    extra = {
        "anonymous": [f"/consultations/{voting}", f"/consultations/{voting}/duel",
                      f"/consultations/{voting}/affirmations", f"/consultations/{ids['consultation_id']}?lang=ar",
                      f"/consultations/idees/{ids['idea_id']}?lang=ar", f"/enquete/{wave}?lang=ar"],
        "kiosk": ["/kiosk/", f"/kiosk/enquete/{wave}", f"/consultations/{ids['consultation_id']}",
                  f"/consultations/{voting}/duel", f"/consultations/{voting}/affirmations", "/kiosk/hors-ligne"],
        "moderator_a": [f"/consultations/idees/{ids['hidden_idea_id']}"],
        "facilitator_a": [f"/consultations/idees/{ids['hidden_idea_id']}", f"/animation/consultations/{voting}",
                          f"/animation/consultations/{voting}/bulletins-papier",
                          f"/animation/enquetes/{ids['questionnaire_id']}/questions/{ids['survey_manage:question_id'] - 1}"],
        "institution_a": [f"/animation/consultations/{voting}"],
    }
    for role in (*ROLES, "kiosk"):
        client = _client(server, role, ids)
        urls = [_url(server, rule, ids) for rule in rules] if role != "kiosk" else []
        for url in urls + extra.get(role, []):
            response = client.get(url)
            if response.status_code == 200 and response.mimetype == "text/html":
                yield role, f"GET {url}", response.get_data(as_text=True)
            response.close()
        if role in ("anonymous", "kiosk"):  # forms shown again with what was typed, after a refusal
            typed = {"title": "", "body": "qzx999 نص عربي", "theme": "qzx998 نص"}
            response = client.post(f"/consultations/{ids['consultation_id']}/proposer", data=typed)
            yield role, "POST propose (refused)", response.get_data(as_text=True)
            response = client.post(f"/enquete/{wave}", data={"q-why": "qzx997 نص", "q-mood": "9"})
            yield role, "POST survey (refused)", response.get_data(as_text=True)


def test_every_page_isolates_what_people_typed(world):
    server, ids, marks = world
    leaks, stray, nodes, seen, pages = [], [], 0, set(), 0
    for role, what, html in _pages(server, ids):
        pages += 1
        result = check(html)
        nodes += result.nodes
        seen |= result.markers
        leaks += [f"{role} {what}: {leak}" for leak in result.leaks]
        stray += [f"{role} {what}: {item}" for item in result.stray]
    print(f"\n{pages} pages, {nodes} text nodes with people's text, {len(leaks)} not isolated, "
          f"{len(stray)} stray bidi controls")
    if os.environ.get("VOIX_BIDI_SHOW"):  # every leak, with the field it shows, for whoever fixes them
        with open(os.environ["VOIX_BIDI_SHOW"], "w") as shown:
            for line in sorted(set(leaks + stray)):
                shown.write(MARKER.sub(lambda m: f"<{marks.fields.get(m.group(), m.group())}>", line) + "\n")
    never = sorted(marks.fields[m] for m in set(marks.fields) - seen)
    print("Texts shown on no page:", never)
    assert nodes > 300, "the pages did not show the texts: the walk is broken"
    assert not stray, f"{len(stray)} stray bidi controls:\n" + "\n".join(sorted(set(stray)))
    assert not leaks, f"{len(leaks)} of {nodes} not isolated:\n" + "\n".join(sorted(set(leaks)))

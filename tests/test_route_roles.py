"""Every route of the app, for every role: who gets in, who is refused, and never a 500.

The walk builds one URL per rule of `app.url_map`, its arguments filled with real objects
of territory A (Sanitas), sends a GET (a POST with an empty body for POST-only routes) as
each role, and compares the status with EXPECTED below, one line per endpoint.

A new route fails `test_every_route_has_an_expectation` until its line is added here:
decide who may use it, write the line, run this file.

Reading a line: `public(status)` is the same for every role; `staff(status, *roles)` gives
`status` to those roles and to admins, 403 to other staff and the sign-in page to visitors
and residents; `expect(default, role=status)` says it role by role. A status is a code
(200, 403...), LOGIN (a redirect to the staff sign-in page), RESIDENT_LOGIN (to the
residents' one) or REDIRECT (any other redirect: the action was done, or refused with a
message on the page it leads to). An endpoint whose rules differ gets one line per rule,
keyed "endpoint rule". With VOIX_ROUTE_ROLES_SHOW=<file>, the walk writes every status it
saw to that file.

Roles: anonymous, a signed-in resident account, facilitators of A and of B (Rabière), an
evaluator and a moderator of A, an institution whose territory (Tours) holds A, an admin.
"""
import os
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from deliberation import operations as ops
from deliberation import photos, residents
from deliberation.models import Committee, Moderation, Origin, Position, Statement
from insights.models import SupervisedLayer, TextAnalysis
from surveys import operations as survey_ops
from surveys.models import QuestionType, WaveStatus
from tests.conftest import SIMPLE_QUESTIONS, fresh_database, make_app, residents_today
from voix.accounts.cli import create_user
from voix.accounts.models import Role
from voix.demo import _create_territories
from voix.extensions import db
from voix.institutions.models import Institution, InstitutionCode
from voix.kiosk.models import Kiosk
from voix.models import utcnow
from voix.territories.models import territory_by_slug

PASSWORD = "correct horse battery"
ROLES = ("anonymous", "resident", "facilitator_a", "facilitator_b", "evaluator_a", "moderator_a", "institution_a",
         "admin")
LOGIN, RESIDENT_LOGIN, REDIRECT = "login", "resident login", "redirect"
STAFF = ("facilitator_a", "facilitator_b", "evaluator_a", "moderator_a", "institution_a", "admin")


def expect(default, **by_role):
    unknown = set(by_role) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return {role: by_role.get(role, default) for role in ROLES}


def public(status=200, **by_role):
    """The same for everyone (a resident's page or action)."""
    return expect(status, **by_role)


def staff(allowed_status, *allowed, refused=403, anonymous=LOGIN, **by_role):
    """A staff screen: `allowed` roles (and admin) get `allowed_status`, other staff `refused`,
    visitors and residents (not staff) the sign-in page."""
    table = {role: (allowed_status if role in (*allowed, "admin") else refused) for role in STAFF}
    return expect(None, anonymous=anonymous, resident=anonymous, **{**table, **by_role})


def api_staff(allowed_status, *allowed, refused=403, **by_role):
    return staff(allowed_status, *allowed, refused=refused, anonymous=401, **by_role)


# Territory A is Sanitas (inside Tours): facilitator_a, evaluator_a and moderator_a are
# assigned to it, institution_a is a Tours institution; facilitator_b works in Rabière.
R, RL = REDIRECT, RESIDENT_LOGIN
FA, FB, EA, MA, IA = "facilitator_a", "facilitator_b", "evaluator_a", "moderator_a", "institution_a"
EXPECTED = {
    # Residents' pages and actions: the same for everyone. An empty POST is refused without a
    # participation token (403), or sent back to the page with a message (REDIRECT).
    "accounts.login": public(200),
    "accounts.logout": public(R),
    "api.deliberation_api.ask": public(403),
    "api.deliberation_api.comment": public(403),
    "api.deliberation_api.comments": public(200),
    "api.deliberation_api.consultation": public(200),
    "api.deliberation_api.ideas": public(200),
    "api.deliberation_api.new_participant": public(201),
    "api.deliberation_api.pairwise": public(422),
    "api.deliberation_api.propose": public(403),
    "api.deliberation_api.questions": public(200),
    "api.deliberation_api.ranking": public(200),
    "api.deliberation_api.report": public(403),
    "api.deliberation_api.similar": public(200),
    "api.deliberation_api.statement_vote": public(422),
    "api.deliberation_api.statements": public(200),
    "api.deliberation_api.propose_statement": public(403),  # no participation token
    "api.deliberation_api.similar_statements": public(200),
    "api.deliberation_api.report_statement": public(403),
    "api.deliberation_api.support": public(403),
    "api.surveys_api.open_waves": public(200),
    "api.surveys_api.submit": public(422),
    "api.surveys_api.wave_detail": public(200),
    "deliberation.ask": public(200),
    "deliberation.co_carry": public(R),
    "deliberation.comment": public(422),  # an empty comment comes back in its form, tied to its field
    "deliberation.consultation": public(200),
    "deliberation.idea": public(200),
    "deliberation.opinion_map": public(200),  # too few votes yet: the page says so
    "deliberation.pairwise": public(R),  # fewer than two ideas open to votes
    "deliberation.photo": public(404, facilitator_a=200, moderator_a=200, admin=200),  # of a hidden idea
    "deliberation.propose": public(200),
    "deliberation.report": public(R),
    "deliberation.report_idea": public(R),
    "deliberation.report_question": public(R),
    "deliberation.statements": public(200),
    "deliberation.propose_statement": public(422),  # an empty statement
    "deliberation.report_statement": public(R),
    "deliberation.support": public(R),
    "deliberation.volunteer": public(R),
    "home.index": public(200),
    "home.privacy": public(200),
    "home.invitation": public(R),
    "kiosk.fresh_csrf_token": public(200),
    "kiosk.reset": public(R),
    "kiosk.staff_log_out": public(R),  # anyone may end a sign-in on a tablet: it only logs out
    "kiosk.thanks": public(200),
    "kiosk.welcome": public(403),  # this browser is not a registered tablet
    "kiosk.offline": public(200),
    "kiosk.offline_pages": public(403),  # only a registered tablet gets its pages to keep
    "kiosk.report_state": public(403),  # only a registered tablet reports its outbox
    "service_worker": public(200),
    "residents.my_ideas": public(RL, resident=200),
    "residents.my_data": public(RL, resident=200),
    "residents.erase_account": public(RL, resident=200),  # GET: the form; erasing needs the password
    "residents.sign_in": public(200),
    "residents.sign_out": public(R),
    "residents.sign_up": public(200),
    "results.index": public(200),
    "results.quartier": public(200),
    "surveys.answer": public(200),
    "surveys.kiosk_answer": public(R),  # not a registered tablet: sent to the kiosk's welcome
    "surveys.thanks": public(200),
    "surveys.phone_offline": public(200),  # a phone's offline screen: nothing of anyone in it
    "surveys.phone_service_worker": public(200),
    # Staff screens of territory A; admins may everything, except speak for an institution.
    "api.insights_api.indicators": api_staff(200, FA, EA, facilitator_b=403),
    "api.surveys_api.export": api_staff(200, FA, EA),
    "deliberation_manage.answer": staff(R, IA, admin=403),
    "deliberation_manage.answer_question": staff(R, IA, admin=403),
    "deliberation_manage.create": staff(400, FA, FB),  # no territory chosen
    "deliberation_manage.create_committee": staff(R, FA),
    "deliberation_manage.detail": staff(200, FA, MA, IA),
    "deliberation_manage.index": staff(200, FA, FB, MA, IA),  # each sees the consultations of their own places
    "deliberation_manage.mediated_support": staff(R, FA),
    "deliberation_manage.moderate_comment": staff(R, FA, MA),
    "deliberation_manage.moderate_idea": staff(R, FA, MA),
    "deliberation_manage.moderate": staff(R, FA, MA),  # any kind of text (here a comment)
    "deliberation_manage.moderation_queue": staff(200, FA, FB, MA),  # each sees the queue of their own places
    "deliberation_manage.undo_moderation": staff(R, FA, FB, MA),  # nothing to undo: back to the queue
    "deliberation_manage.premoderation": staff(R, FA),
    "deliberation_manage.moderate_question": staff(R, FA, MA),
    "deliberation_manage.moderate_statement": staff(400, FA, MA),  # no decision sent
    "deliberation_manage.statement_meta": staff(R, FA, MA),
    "deliberation_manage.statement_mode": staff(R, FA),
    "deliberation_manage.statements": staff(200, FA, MA),
    "deliberation_manage.next_phase": staff(R, FA),
    "deliberation_manage.paper_ballot": staff(200, FA),
    "deliberation_manage.remove_co_carrier": staff(R, FA),
    "deliberation_manage.schedule": staff(R, FA),
    "deliberation_manage.validate_member": staff(R, FA),
    "indicators.export": staff(200, FA, EA, facilitator_b=403),
    "indicators.index": staff(200, FA, EA, facilitator_b=403),
    "insights.export_csv": staff(200, FA, EA, facilitator_b=403),
    "insights.export_words_csv": staff(400, FA, EA, facilitator_b=403),  # no institution nor waves chosen
    "insights.index": staff(200, FA, EA, facilitator_b=403),
    "insights_review.correct": staff(400, EA),  # no verdict given
    "insights_review.export_agreement_csv": staff(200, EA),
    "insights_review.index": staff(200, EA),
    "insights_review.switch_layer": staff(R),  # one layer for every quartier: admins only
    "insights_review.train_layer": staff(R),
    "institutions.index": staff(200),
    "audit.index": staff(200),
    "rights.erase": staff(200, FA, FB),
    "institutions.save /admin/institutions/<int:institution_id>": staff(200),
    "institutions.save /admin/institutions/nouvelle": staff(R),
    "kiosk.devices": staff(200, FA, FB),  # each sees the kiosks of their own places
    "kiosk.register": staff(200, FA, FB),
    "kiosk.revoke": staff(R, FA),
    "survey_manage.create": staff(200, FA, FB),
    "survey_manage.create_wave": staff(R, FA),
    "survey_manage.detail": staff(200, FA, EA),
    "survey_manage.edit_question": staff(200, FA),
    "survey_manage.edit_group": staff(200, FA),
    # A part that does not exist (deleting the real one would change the world for the next
    # roles): the rights are checked before it is looked for.
    "survey_manage.delete_group": staff(404, FA),
    "survey_manage.translations": staff(200, FA),
    "survey_manage.export": staff(200, FA, EA),
    "survey_manage.export_xlsform": staff(200, FA, EA),
    "survey_manage.import_file": staff(200, FA, FB),
    "survey_manage.index": staff(200, FA, FB, EA),
    "survey_manage.new_version": staff(R, FA),
    "survey_manage.next_wave": staff(R, FA),
    "survey_manage.preview": staff(200, FA, EA),
    "survey_manage.question_action": staff(R, FA),
    "survey_manage.wave": staff(200, FA, EA),
    "survey_manage.wave_counts": staff(200, FA, EA),
    "survey_manage.wave_status": staff(R, FA),
    "territories.edit": staff(200),
    "territories.index": staff(200),
}

# Where `<any(...)>` offers a choice, the harmless one: the walk must not close the wave
# or hide the comment the next roles are walked on.
ARGUMENTS_FOR = {
    "survey_manage.wave_status": {"action": "ouvrir"},
    "survey_manage.delete_group": {"code": "absente"},
    "deliberation_manage.moderate_comment": {"action": "retablir"},
    "deliberation_manage.moderate_idea": {"action": "retablir"},
    "deliberation_manage.moderate_question": {"action": "retablir"},
    "deliberation_manage.moderate": {"kind": "comment", "item_id": lambda ids: ids["comment_id"], "action": "retablir"},
    "insights_review.switch_layer": {"action": "desactiver"},
    # Filters that name territory A: refused to those who do not read it.
    "api.insights_api.indicators": {"?": "territory=sanitas"},
    "api.surveys_api.open_waves": {"?": "territory=sanitas"},
    "indicators.index": {"?": "territory=sanitas"},
    "indicators.export": {"?": "territory=sanitas"},
    "insights.index": {"?": lambda ids: f"quartier={ids['territory_id']}"},
    "insights.export_csv": {"?": lambda ids: f"quartier={ids['territory_id']}"},
    "insights.export_words_csv": {"?": lambda ids: f"quartier={ids['territory_id']}"},
    # Moving the phase on would close proposals for the roles walked next: another consultation.
    "deliberation_manage.next_phase": {"consultation_id": lambda ids: ids["spare_consultation_id"]},
}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, tmp_path_factory):
    """One app per backend, the objects of territory A created once, a client per role."""
    folder = tmp_path_factory.mktemp("routes")
    with fresh_database(request, folder) as url:
        config = {"UPLOAD_FOLDER": str(folder / "uploads")}
        app = make_app(url, **config)
        with app.app_context():
            ids = _create_world()
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
        # No app context is held between requests: each request has its own, as in production.
        server = make_app(url, **config)
        clients = {role: _client_for(server, role, ids) for role in ROLES}
        yield server, ids, clients
        with server.app_context():
            db.engine.dispose()


def _user(role, slugs, email):
    user, _ = create_user(email, email.split("@")[0], Role(role), slugs, password=PASSWORD)
    return user


def _create_world() -> dict:
    _create_territories()
    db.session.flush()
    sanitas, tours = territory_by_slug("sanitas"), territory_by_slug("tours")
    mairie = Institution(code=InstitutionCode.mairie, name="Mairie de Tours", territory=tours)
    db.session.add(mairie)
    users = {
        "facilitator_a": _user("facilitator", ("sanitas",), "facilitator-a@example.org"),
        "facilitator_b": _user("facilitator", ("rabiere",), "facilitator-b@example.org"),
        "evaluator_a": _user("evaluator", ("sanitas",), "evaluator-a@example.org"),
        "moderator_a": _user("moderator", ("sanitas",), "moderator-a@example.org"),
        "institution_a": _user("institution", (), "institution-a@example.org"),
        "admin": _user("admin", (), "admin@example.org"),
    }
    users["institution_a"].institution = mairie
    residents.create_account("Habitante du Sanitas", PASSWORD)

    # Surveys: a questionnaire with its questions and an open wave.
    questionnaire = survey_ops.create_questionnaire({"fr": "Enquête", "en": "Survey"}, sanitas)
    db.session.flush()
    for fields in SIMPLE_QUESTIONS:
        survey_ops.save_question(questionnaire.latest_version, **{**fields, "type": QuestionType(fields["type"])})
    survey_ops.save_group(questionnaire.latest_version, code="foyer", title={"fr": "Votre foyer"},
                          members=[questionnaire.latest_version.questions[-1].code])
    wave = survey_ops.create_wave(questionnaire, sanitas, residents_today() - timedelta(days=1),
                                  residents_today() + timedelta(days=30))
    wave.status = WaveStatus.open
    db.session.flush()

    # Deliberation: a consultation, two ideas (one hidden, with a photo), a comment...
    consultation = ops.create_consultation({"fr": "Le square"}, sanitas)
    spare = ops.create_consultation({"fr": "La bibliothèque"}, sanitas)
    carrier = ops.new_participant(consultation, Origin.personal)
    idea = ops.propose_idea(consultation, carrier, title="Des bancs", body="Des bancs à l'ombre du square")
    hidden = ops.propose_idea(consultation, carrier, title="Un mur", body="Un mur pour les fresques du quartier")
    co_carrier = ops.new_participant(consultation, Origin.personal)
    db.session.flush()
    ops.co_carry(idea, co_carrier)
    comment, _ = ops.add_comment(idea, carrier, "Oui, près de l'école", Position.for_, uuid=str(uuid.uuid4()))
    statement = Statement(consultation_id=consultation.id, text="Le square est propre", moderation=Moderation.accepted)
    committee = Committee(consultation_id=consultation.id, name="Comité du square")
    db.session.add_all([statement, committee])
    db.session.flush()
    ops.volunteer(committee, carrier, "Samia")
    question, _ = ops.ask_question(consultation, carrier, mairie.id, "Quand ouvre le square ?", uuid=str(uuid.uuid4()))
    hidden.photo = photos.store(b"\xff\xd8\xff\xe0 not really a jpeg")
    ops.hide(hidden, users["moderator_a"], "Hors sujet")
    kiosk = Kiosk(place="EPN du Sanitas", territory=sanitas)
    db.session.add(kiosk)

    # Insights: an analysed passage with one mention, and a layer that beats the lexicon.
    analysis = TextAnalysis(source="idea", source_id=idea.id, quartier_id=sanitas.id, written_at=utcnow(),
                            tone="negative", mentions=[{"institution": "mairie", "stance": "negative", "irony": False}])
    layer = SupervisedLayer(n_corrections=40, lexicon_macro_f1=0.5, supervised_macro_f1=0.7, beats_lexicon=True,
                            model={})
    db.session.add_all([analysis, layer])
    db.session.flush()
    return {
        "questionnaire_id": questionnaire.id, "wave_id": wave.id,
        "survey_manage:question_id": questionnaire.latest_version.questions[0].id, "survey_manage:code": "foyer", "statement_id": statement.id,
        "consultation_id": consultation.id, "spare_consultation_id": spare.id, "idea_id": idea.id,
        "comment_id": comment.id,
        "question_id": question.id, "committee_id": committee.id, "member_id": committee.members[0].id,
        "participant_id": co_carrier.id, "name": hidden.photo, "kiosk_id": kiosk.id,
        "territory_id": sanitas.id, "institution_id": mairie.id, "slug": sanitas.slug,
        "analysis_id": analysis.id, "mention_index": 0, "layer_id": layer.id, "code": "7KQ2M9XA",
        "emails": {role: user.email for role, user in users.items()},
    }


def _client_for(server, role, ids):
    client = server.test_client()
    if role == "resident":
        response = client.post("/habitants/connexion", data={"pseudonym": "Habitante du Sanitas", "password": PASSWORD})
        assert response.status_code == 302, response.text
    elif role != "anonymous":
        response = client.post("/connexion", data={"email": ids["emails"][role], "password": PASSWORD})
        assert response.status_code == 302, response.text
    return client


def _rules(app):
    return sorted((rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"),
                  key=lambda rule: (rule.endpoint in LAST, rule.endpoint, rule.rule))


# Endpoints that end the sign-in of the client that calls them: walked last.
LAST = {"accounts.logout", "residents.sign_out", "kiosk.reset", "kiosk.staff_log_out"}


def _url(app, rule, ids) -> str:
    values = {}
    chosen = ARGUMENTS_FOR.get(rule.endpoint, {})
    for name in rule.arguments:
        blueprint = rule.endpoint.rsplit(".", 1)[0]
        if name in chosen:
            values[name] = chosen[name](ids) if callable(chosen[name]) else chosen[name]
        elif hasattr(rule._converters[name], "items"):  # <any(a, b):name>: the first in order
            values[name] = sorted(rule._converters[name].items)[0]
        else:  # an id of that name, or one the blueprint means by it (a survey's question)
            values[name] = ids.get(f"{blueprint}:{name}", ids.get(name))
    query = chosen.get("?")
    path = rule.build(values, append_unknown=False)[1]
    return f"{path}?{query(ids) if callable(query) else query}" if query else path


def _status(client, rule, url):
    method = "GET" if "GET" in rule.methods else "POST"
    kwargs = {"json": {}} if method == "POST" and rule.endpoint.startswith("api.") else {}
    try:
        response = client.open(url, method=method, **kwargs)
    except Exception as error:  # noqa: BLE001 -- an exception is what a 500 would have been
        return f"500 ({type(error).__name__}: {error})"
    response.close()  # a sent file stays open until then
    if response.status_code in (301, 302, 303, 307, 308):
        return {"/connexion": LOGIN, "/habitants/connexion": RESIDENT_LOGIN}.get(
            urlsplit(response.location).path, REDIRECT)
    return response.status_code


def _expected(rule) -> dict:
    """The line of this rule ("endpoint rule", for an endpoint whose rules differ) or of its endpoint."""
    return EXPECTED.get(f"{rule.endpoint} {rule.rule}") or EXPECTED[rule.endpoint]


def test_every_route_has_an_expectation():
    app = make_app("sqlite://")  # the routes only: no database needed
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]
    keys = {rule.endpoint for rule in rules} | {f"{rule.endpoint} {rule.rule}" for rule in rules}
    missing = sorted({rule.rule + " -> " + rule.endpoint for rule in rules
                      if rule.endpoint not in EXPECTED and f"{rule.endpoint} {rule.rule}" not in EXPECTED})
    stale = sorted(set(EXPECTED) - keys)
    assert not missing, f"routes without a line in EXPECTED (who may use them?): {missing}"
    assert not stale, f"lines in EXPECTED for routes that no longer exist: {stale}"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_table_says(world, role):
    app, ids, clients = world
    observed, wrong = {}, []
    for rule in _rules(app):
        url = _url(app, rule, ids)
        status = _status(clients[role], rule, url)
        observed[f"{rule.endpoint} {url}"] = status
        wanted = _expected(rule)[role]
        if str(status).startswith("500") or status != wanted:
            wrong.append(f"{rule.endpoint} {url}: {status}, expected {wanted}")
    if os.environ.get("VOIX_ROUTE_ROLES_SHOW"):
        with open(os.environ["VOIX_ROUTE_ROLES_SHOW"], "a") as shown:
            shown.writelines(f"{role}|{key}|{status}\n" for key, status in observed.items())
    assert not wrong, f"{role}:\n" + "\n".join(wrong)

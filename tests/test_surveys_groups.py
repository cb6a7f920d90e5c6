"""Parts of a questionnaire (groups of questions) with a display condition (issue 14): set,
said in plain words and removed in the builder; a part whose condition does not hold is
skipped as a whole, on the server (nothing of it required or stored) and in the API's
conditions; the ordering rules hold for parts as for questions."""
import re

import pytest
from sqlalchemy import select

from surveys import operations as ops
from surveys.answers import clean_answers
from surveys.models import Answer, Channel, QuestionType, Response
from voix.extensions import db

HOUSEHOLD = [
    dict(code="personnes", type="number", text={"fr": "Combien de personnes vivent chez vous ?"}, required=True),
    dict(code="age_autre", type="number", text={"fr": "L'âge de l'autre personne ?"}, required=True),
    dict(code="lien", type="single_choice", text={"fr": "Son lien avec vous ?"}, required=True,
         options=[{"code": "conjoint", "label": {"fr": "Conjoint"}}, {"code": "enfant", "label": {"fr": "Enfant"}}]),
    dict(code="note", type="information", text={"fr": "Merci pour votre foyer."}),
    dict(code="fin", type="short_text", text={"fr": "Un mot ?"}),
]
MORE_THAN_ONE = {"op": ">", "question": "personnes", "value": 1}


@pytest.fixture
def household(make_wave):
    wave = make_wave(questions=HOUSEHOLD, status=ops.WaveStatus.draft)
    ops.save_group(wave.version, code="foyer", title={"fr": "Les autres membres du foyer", "en": "Others"},
                   members=["age_autre", "lien", "note"], condition=MORE_THAN_ONE)
    ops.set_wave_status(wave, ops.WaveStatus.open)
    db.session.commit()
    return wave


def test_a_part_not_shown_is_neither_required_nor_kept(household):
    questions = household.version.questions
    clean, errors = clean_answers(questions, {"personnes": "1", "age_autre": "40", "lien": "enfant", "fin": "ok"})
    assert errors == {}
    assert clean == {"personnes": 1, "fin": "ok"}  # the part's answers are dropped
    clean, errors = clean_answers(questions, {"personnes": "2", "fin": "ok"})
    assert set(errors) == {"age_autre", "lien"}  # shown: its required questions need answers
    clean, errors = clean_answers(questions, {"personnes": "3", "age_autre": "40", "lien": "enfant"})
    assert errors == {} and clean == {"personnes": 3, "age_autre": 40, "lien": "enfant"}


def test_the_submission_path_skips_the_part_and_stores_nothing_of_it(client, household):
    url = f"/enquete/{household.id}"
    page = client.get(url)
    # The page carries the part's condition on each of its steps, and its title above them.
    step = re.search(r'<div class="step question" id="step-age_autre".*?>', page.text, re.DOTALL).group(0)
    assert "data-condition=" in step and 'data-group="foyer"' in step and '"question": "personnes"' in step
    assert page.text.count('<p class="step-part" dir="auto">Les autres membres du foyer</p>') == 3
    info = re.search(r'<section class="step information" id="step-note"[^>]*>', page.text).group(0)
    assert "data-condition=" in info
    fields = dict(re.findall(r'name="(csrf_token|uuid)" value="([^"]*)"', page.text))
    sent = client.post(url, data={**fields, "q-personnes": "1", "q-age_autre": "35", "q-lien": "conjoint"})
    assert sent.status_code == 303, sent.text
    response = db.session.scalar(select(Response))
    stored = {a.question.code: a.value for a in db.session.scalars(select(Answer).where(Answer.response_id == response.id))}
    assert stored == {"personnes": 1}
    # Two people: the part's required questions are asked.
    page = client.get(url)
    fields = dict(re.findall(r'name="(csrf_token|uuid)" value="([^"]*)"', page.text))
    refused = client.post(url, data={**fields, "q-personnes": "2"})
    assert refused.status_code == 422
    assert re.search(r'id="age_autre-error" role="alert">[^<]+<', refused.text)
    assert re.search(r'id="lien-error" role="alert">[^<]+<', refused.text)
    assert not re.search(r'id="fin-error" role="alert">[^<]+<', refused.text)


def test_the_api_gives_the_parts_and_each_questions_whole_condition(client, household):
    body = client.get(f"/api/v1/waves/{household.id}").get_json()
    assert body["groups"] == [{"code": "foyer", "title": {"fr": "Les autres membres du foyer", "en": "Others"}}]
    by_code = {q["code"]: q for q in body["questions"]}
    assert by_code["lien"]["group"] == "foyer" and by_code["lien"]["condition"] == MORE_THAN_ONE
    assert by_code["fin"]["group"] is None and by_code["fin"]["condition"] is None
    sent = client.post(f"/api/v1/waves/{household.id}/responses", json={
        "uuid": "8f14e45f-ceea-4e7a-9b6e-1f0c3a1d2b3c", "answers": {"personnes": 1, "lien": "enfant"}})
    assert sent.status_code == 201, sent.get_json()
    assert {a.question.code for a in db.session.scalars(select(Answer))} == {"personnes"}


def test_parts_keep_questions_after_what_they_read(make_wave):
    wave = make_wave(questions=HOUSEHOLD, status=ops.WaveStatus.draft)
    version = wave.version
    with pytest.raises(ops.SurveyError):  # reads a question inside the part
        ops.save_group(version, code="foyer", title={"fr": "Foyer"}, members=["personnes", "lien"],
                       condition=MORE_THAN_ONE)
    with pytest.raises(ops.SurveyError):  # reads a later question
        ops.save_group(version, code="foyer", title={"fr": "Foyer"}, members=["age_autre"],
                       condition={"op": "answered", "question": "fin"})
    with pytest.raises(ops.SurveyError):  # the address of the page that adds a part
        ops.save_group(version, code="nouvelle", title={"fr": "Nouvelle"}, members=["age_autre"])
    with pytest.raises(ops.SurveyError):  # no French title
        ops.save_group(version, code="foyer", title={"en": "Household"}, members=["age_autre"])
    group = ops.save_group(version, code="foyer", title={"fr": "Foyer"}, members=["age_autre", "lien"],
                           condition=MORE_THAN_ONE)
    with pytest.raises(ops.SurveyError):  # a question is in one part at most
        ops.save_group(version, code="autre", title={"fr": "Autre"}, members=["lien"])
    questions = {q.code: q for q in version.questions}
    with pytest.raises(ops.SurveyError):  # the part would then read a later question
        ops.move_question(questions["age_autre"], -1)
    with pytest.raises(ops.SurveyError):  # the part reads it
        ops.delete_question(questions["personnes"])
    with pytest.raises(ops.SurveyError):  # renaming what the part reads
        ops.save_question(version, question=questions["personnes"], code="nombre", type=QuestionType.number,
                          text={"fr": "Combien ?"})
    # The condition stays a checked tree, "1" read as a number.
    ops.save_group(version, code="foyer", title={"fr": "Foyer"}, members=["age_autre", "lien"],
                   condition={"op": ">", "question": "personnes", "value": "1"}, group=group)
    assert version.group("foyer")["condition"] == MORE_THAN_ONE
    db.session.commit()
    # A new version keeps the parts.
    ops.set_wave_status(wave, ops.WaveStatus.open)
    db.session.add(Response(uuid="1e2d3c4b-5a69-4788-9aab-bccddeeff001", wave=wave, version_id=version.id,
                            channel=Channel.personal, language="fr"))
    db.session.commit()
    copy = ops.editable_version(wave.questionnaire)
    assert copy is not version and copy.groups == version.groups
    assert {q.code: q.group_code for q in copy.questions}["lien"] == "foyer"
    assert {q.code: q.shown_if for q in copy.questions}["lien"] == MORE_THAN_ONE


def test_facilitator_sets_sees_and_removes_a_parts_condition(client, auth, make_user, make_wave):
    wave = make_wave(questions=HOUSEHOLD, status=ops.WaveStatus.draft)
    auth.login(make_user("facilitator", ("sanitas",)))
    url = f"/animation/enquetes/{wave.questionnaire_id}"
    assert "Ajouter une partie" in client.get(url).text
    form = client.get(f"{url}/parties/nouvelle")
    assert form.status_code == 200 and 'name="members"' in form.text and "Afficher cette partie" in form.text
    saved = client.post(f"{url}/parties/nouvelle", data={
        "code": "foyer", "title_fr": "Les autres membres du foyer", "members": ["age_autre", "lien"],
        "condition_mode": "all", "condition_lines-0-question": "personnes", "condition_lines-0-test": ">",
        "condition_lines-0-value": "1"})
    assert saved.status_code == 302, saved.text
    detail = client.get(url).text
    assert "Affiché si personnes est supérieur à 1" in detail
    assert detail.count("Partie : <bdi>Les autres membres du foyer</bdi>") == 2
    # A wrong line: said on the form, nothing changed.
    wrong = client.post(f"{url}/parties/foyer", data={
        "code": "foyer", "title_fr": "Foyer", "members": ["age_autre", "lien"], "condition_mode": "all",
        "condition_lines-0-question": "fin", "condition_lines-0-test": "answered"})
    assert wrong.status_code == 200 and "placée avant elle" in wrong.text
    db.session.expire_all()
    assert wave.version.group("foyer")["condition"] == MORE_THAN_ONE
    edit = client.get(f"{url}/parties/foyer").text
    assert "Condition actuelle" in edit and re.search(r'<option dir="auto" selected value="personnes"', edit)
    # Always: the condition goes, the part stays.
    removed = client.post(f"{url}/parties/foyer", data={
        "code": "foyer", "title_fr": "Les autres membres du foyer", "members": ["age_autre", "lien"],
        "condition_mode": "always"})
    assert removed.status_code == 302
    db.session.expire_all()
    assert wave.version.group("foyer")["condition"] is None
    assert "Toujours affichée" in client.get(url).text
    deleted = client.post(f"{url}/parties/foyer/supprimer")  # CSRF is off in tests
    assert deleted.status_code == 302
    db.session.expire_all()
    assert wave.version.groups == [] and all(q.group_code is None for q in wave.version.questions)


def test_a_parts_title_is_translated_and_shown_in_the_residents_language(client, auth, make_user, household):
    auth.login(make_user("facilitator", ("sanitas",)))
    url = f"/animation/enquetes/{household.questionnaire_id}/traductions?langue=tr"
    page = client.get(url)
    assert 'name="questionnaire-part-foyer"' in page.text and "Les autres membres du foyer" in page.text
    version = household.version
    data = {"questionnaire-title": "Anket", "questionnaire-part-foyer": "Hanenin diğer üyeleri"}
    data.update({f"text-{q.code}": "" for q in version.questions})
    data["text-personnes"] = "Evinizde kaç kişi yaşıyor?"  # Turkish is a language of the questionnaire
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    assert household.version.group("foyer")["title"] == {"fr": "Les autres membres du foyer", "en": "Others",
                                                         "tr": "Hanenin diğer üyeleri"}
    assert household.version.group("foyer")["condition"] == MORE_THAN_ONE  # untouched
    auth.logout()
    resident = client.get(f"/enquete/{household.id}?lang=tr").text
    assert resident.count('<p class="step-part" lang="tr" dir="auto">Hanenin diğer üyeleri</p>') == 3


def _question_data(question, **changes):
    """The question editor's fields for `question` as they are, with `changes`."""
    data = {"code": question.code, "type": question.type.value, "text_fr": question.text["fr"],
            "condition_mode": "always", "group": question.group_code or ""}
    if question.required:
        data["required"] = "y"
    if question.options:
        data["options"] = "\n".join(f"{o['code']} | {o['label']['fr']}" for o in question.options)
    return {**data, **changes}


def test_the_question_editor_chooses_the_questions_part(client, auth, make_user, household):
    """The part is chosen in the question's own editor (a labelled select, reached by the
    keyboard like any field), with the part form's checks; the list of questions says it."""
    ops.set_wave_status(household, ops.WaveStatus.closed)  # no answers: the version stays editable
    db.session.commit()
    auth.login(make_user("facilitator", ("sanitas",)))
    url = f"/animation/enquetes/{household.questionnaire_id}"
    questions = {q.code: q for q in household.version.questions}
    page = client.get(f"{url}/questions/{questions['lien'].id}").text
    assert '<label for="group">Partie du questionnaire</label>' in page
    select = re.search(r'<select[^>]*id="group"[^>]*name="group"[^>]*>(.*?)</select>', page, re.DOTALL)
    assert select and 'aria-describedby="group-hint"' in select.group(0)
    assert re.search(r'<option value="">Aucune partie</option>', select.group(1))
    assert re.search(r'<option dir="auto" selected value="foyer">Les autres membres du foyer \(foyer\)</option>',
                     select.group(1))
    # 'fin' joins the part: its condition reads 'personnes', asked before 'fin'.
    saved = client.post(f"{url}/questions/{questions['fin'].id}", data=_question_data(questions["fin"], group="foyer"))
    assert saved.status_code == 302, saved.text
    db.session.expire_all()
    assert questions["fin"].group_code == "foyer" and questions["fin"].shown_if == MORE_THAN_ONE
    assert client.get(url).text.count("Partie : <bdi>Les autres membres du foyer</bdi>") == 4
    # ... and leaves it again: "no part".
    saved = client.post(f"{url}/questions/{questions['fin'].id}", data=_question_data(questions["fin"], group=""))
    assert saved.status_code == 302, saved.text
    db.session.expire_all()
    assert questions["fin"].group_code is None and questions["fin"].shown_if is None


@pytest.mark.parametrize("code, part, message, language", [
    # The part's condition reads this very question.
    ("personnes", "foyer", "La partie « Les autres membres du foyer » s'affiche selon cette question", "fr"),
    # The part's condition would read a later answer.
    ("premier", "foyer", "The part “Les autres membres du foyer” reads the answer to personnes", "en"),
    # The part would be left without its last question.
    ("fin", "", "هذا السؤال هو الوحيد في الجزء «Seul»", "ar"),
    # A part that does not exist.
    ("lien", "ailleurs", "Cette partie n'existe pas.", "fr"),
])
def test_a_part_the_question_cannot_join_is_refused_and_nothing_changes(
        client, auth, make_user, make_wave, code, part, message, language):
    wave = make_wave(questions=[dict(code="premier", type="short_text", text={"fr": "Avant tout ?"}), *HOUSEHOLD],
                     status=ops.WaveStatus.draft)
    version = wave.version
    ops.save_group(version, code="foyer", title={"fr": "Les autres membres du foyer"},
                   members=["age_autre", "lien"], condition=MORE_THAN_ONE)
    ops.save_group(version, code="seul", title={"fr": "Seul"}, members=["fin"])
    db.session.commit()
    question = version.question(code)
    before = {q.code: (q.group_code, q.position, q.condition) for q in version.questions}
    groups_before = [dict(g) for g in version.groups]
    auth.login(make_user("facilitator", ("sanitas",)))
    refused = client.post(f"/animation/enquetes/{wave.questionnaire_id}/questions/{question.id}?lang={language}",
                          data=_question_data(question, group=part))
    assert refused.status_code == 200
    error = re.search(r'<p class="error" id="group-error">([^<]*)</p>', refused.text)
    assert error and message in error.group(1).replace("&#34;", '"').replace("&#39;", "'"), refused.text
    assert 'aria-invalid="true"' in re.search(r'<select[^>]*id="group"[^>]*>', refused.text).group(0)
    db.session.expire_all()
    assert {q.code: (q.group_code, q.position, q.condition) for q in version.questions} == before
    assert version.groups == groups_before


def test_moving_a_question_joined_from_its_editor_keeps_the_parts_rule(make_wave):
    wave = make_wave(questions=HOUSEHOLD, status=ops.WaveStatus.draft)
    version = wave.version
    ops.save_group(version, code="foyer", title={"fr": "Foyer"}, members=["lien"], condition=MORE_THAN_ONE)
    fin = version.question("fin")
    ops.save_question(version, question=fin, code="fin", type=QuestionType.short_text, text={"fr": "Un mot ?"},
                      group="foyer")
    assert fin.group_code == "foyer"
    for _ in range(3):  # up to just below 'personnes', one request at a time
        ops.move_question(fin, -1)
        db.session.commit()
        db.session.expire(version, ["questions"])
    assert [q.code for q in version.questions][:2] == ["personnes", "fin"]
    with pytest.raises(ops.SurveyError):  # above what its part reads
        ops.move_question(fin, -1)
    db.session.rollback()
    assert [q.code for q in version.questions][:2] == ["personnes", "fin"]

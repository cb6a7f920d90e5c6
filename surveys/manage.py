"""Facilitator screens: questionnaires, versions, questions, waves, live counts, exports."""
from types import SimpleNamespace

import segno
from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from voix.accounts.auth import staff_required
from voix.accounts.forms import EmptyForm
from voix.accounts.models import Role
from voix.accounts.permissions import (
    can_manage_surveys,
    can_read_results,
    can_use_questionnaire,
)
from voix.downloads import XLSX, attachment
from voix.extensions import csrf, db
from voix.i18n import current_language, localized
from voix.languages import (
    known_languages,
    language_name,
    normalize_code,
    text_direction_of,
)
from voix.request_input import clean_string
from voix.text_direction import bdi
from voix.territories.forms import territory_choices
from voix.territories.models import Territory

from . import operations as ops
from . import condition_form
from .conditions import ConditionError, describe
from .exports import FORMATS, export_response
from .forms import (
    TYPE_LABELS,
    GroupForm,
    ImportForm,
    QuestionForm,
    QuestionnaireForm,
    WaveForm,
    format_options,
)
from .interchange import ImportRefused, import_questionnaire
from .interchange.files import MAX_FILE_BYTES
from .interchange.xlsform_export import xlsform_bytes
from .models import Question, Questionnaire, QuestionType, Wave, WaveStatus
from .views import choose_content_language, render_answer_page

bp = Blueprint("survey_manage", __name__, url_prefix="/animation/enquetes", template_folder="templates")
LANGS = ("fr", "en", "ar")


def _questionnaire(questionnaire_id, *, manage=True) -> Questionnaire:
    questionnaire = db.session.get(Questionnaire, questionnaire_id) or abort(404)
    allowed = can_manage_surveys if manage else can_use_questionnaire
    if not allowed(g.user, questionnaire.territory):
        abort(403)
    return questionnaire


def _wave(wave_id, *, manage=True) -> Wave:
    wave = db.session.get(Wave, wave_id) or abort(404)
    allowed = can_manage_surveys if manage else can_read_results
    if not allowed(g.user, wave.territory):
        abort(403)
    return wave


def _territory_choices(form_field):
    form_field.choices = territory_choices(g.user, can_manage_surveys)


def _by_language(form, prefix) -> dict:
    return {lang: getattr(form, f"{prefix}_{lang}").data.strip()
            for lang in LANGS if (getattr(form, f"{prefix}_{lang}").data or "").strip()}


@bp.get("/")
@staff_required(Role.facilitator, Role.evaluator)
def index():
    questionnaires = [q for q in db.session.scalars(select(Questionnaire).order_by(Questionnaire.id.desc()))
                      if can_use_questionnaire(g.user, q.territory)]
    waves = [w for q in questionnaires for w in q.waves if can_read_results(g.user, w.territory)]
    return render_template("surveys/manage/index.html", questionnaires=questionnaires,
                                    counts=ops.response_counts(waves), counts_visible={w.id for w in waves})


@bp.route("/nouveau", methods=["GET", "POST"])
@staff_required(Role.facilitator)
def create():
    form = QuestionnaireForm()
    _territory_choices(form.territory)
    if form.validate_on_submit():
        territory = db.session.get(Territory, form.territory.data)
        if territory is None or not can_manage_surveys(g.user, territory):
            abort(403)
        questionnaire = ops.create_questionnaire(
            _by_language(form, "title"), territory, created_by=g.user, ask_about_you=form.ask_about_you.data,
            panel=form.panel.data)
        questionnaire.description = _by_language(form, "description")
        db.session.commit()
        flash(_("Questionnaire created. Add its questions."), "success")
        return redirect(url_for(".detail", questionnaire_id=questionnaire.id))
    return render_template("surveys/manage/questionnaire_form.html", form=form)


@bp.route("/importer", methods=["GET", "POST"])
@csrf.exempt  # checked by the form itself, after the larger upload limit below is set
@staff_required(Role.facilitator)
def import_file():
    """A draft questionnaire from an XLSForm or LimeSurvey file, with what was not imported."""
    # Questionnaire files are larger than answers: allow them here only (room for the form fields).
    request.max_content_length = MAX_FILE_BYTES + 64 * 1024
    form = ImportForm()
    _territory_choices(form.territory)
    editable = [q for q in db.session.scalars(select(Questionnaire).order_by(Questionnaire.id.desc()))
                if can_manage_surveys(g.user, q.territory)]
    form.new_version_of.choices = [SelectChoice(0, _("A new questionnaire"))] + [
        # Titles are typed by facilitators, in any script: each option takes its own direction.
        SelectChoice(q.id, _("A new version of: %(title)s", title=q.display_title()), render_kw={"dir": "auto"})
        for q in editable]
    # Any language may be the one of the unnamed columns: French, English, Arabic first
    # (named in themselves), then every language CLDR knows, named in the page's language.
    form.language.choices = form.language.choices[:4] + [
        SelectChoice(code, f"{name} ({code})") for code, name in known_languages(current_language())
        if code not in LANGS]
    if form.validate_on_submit():
        previous = next((q for q in editable if q.id == form.new_version_of.data), None)
        territory = previous.territory if previous else db.session.get(Territory, form.territory.data)
        if territory is None or not can_manage_surveys(g.user, territory):
            abort(403)
        upload = form.file.data
        try:
            result = import_questionnaire(upload.filename or "", upload.read(MAX_FILE_BYTES + 1), territory,
                                          created_by=g.user, title=form.title.data,
                                          language=form.language.data or None, new_version_of=previous)
            db.session.commit()
        except ImportRefused as refused:
            db.session.rollback()
            form.file.errors = [*form.file.errors, str(refused)]
            return render_template("surveys/manage/import_form.html", form=form,
                                   refused_notes=refused.notes), 422
        # Shown here rather than flashed: a long list of notes would not fit in the session cookie.
        return render_template("surveys/manage/import_result.html", questionnaire=result.questionnaire,
                               notes=result.notes)
    status = 422 if form.is_submitted() else 200
    return render_template("surveys/manage/import_form.html", form=form, refused_notes=[]), status


@bp.get("/<int:questionnaire_id>")
@staff_required(Role.facilitator, Role.evaluator)
def detail(questionnaire_id):
    questionnaire = _questionnaire(questionnaire_id, manage=False)
    wave_form = WaveForm()
    _territory_choices(wave_form.territory)
    waves = [w for w in questionnaire.waves if can_read_results(g.user, w.territory)]
    return render_template(
        "surveys/manage/detail.html", questionnaire=questionnaire, version=questionnaire.latest_version,
        waves=waves, counts=ops.response_counts(waves), comparable=ops.questionnaire_comparability(questionnaire),
        wave_form=wave_form, action_form=EmptyForm(), type_labels=TYPE_LABELS, language_name=language_name,
        condition_words=_condition_words(questionnaire.latest_version),
        can_manage=can_manage_surveys(g.user, questionnaire.territory),
    )


def _condition_words(version) -> dict:
    """The conditions in words: each question's own, and each part's (keyed `part:CODE`)."""
    by_code = {q.code: q for q in version.questions}
    words = {q.code: describe(q.condition, by_code) for q in version.questions if q.condition}
    words.update({f"part:{g['code']}": describe(g.get("condition"), by_code)
                  for g in version.groups or [] if g.get("condition")})
    return words


@bp.get("/<int:questionnaire_id>/xlsform.xlsx")
@staff_required(Role.facilitator, Role.evaluator)
def export_xlsform(questionnaire_id):
    """The latest version as an XLSForm, for KoBo or ODK, or to import here again."""
    questionnaire = _questionnaire(questionnaire_id, manage=False)
    return attachment(xlsform_bytes(questionnaire), XLSX, f"questionnaire-{questionnaire.id}-xlsform.xlsx")


@bp.post("/<int:questionnaire_id>/version")
@staff_required(Role.facilitator)
def new_version(questionnaire_id):
    questionnaire = _questionnaire(questionnaire_id)
    if EmptyForm().validate_on_submit():
        version = ops.editable_version(questionnaire)
        db.session.commit()
        flash(_("Version %(n)s is ready to edit; earlier waves keep their version.", n=version.number), "success")
    return redirect(url_for(".detail", questionnaire_id=questionnaire.id))


@bp.route("/<int:questionnaire_id>/questions/nouvelle", methods=["GET", "POST"])
@bp.route("/<int:questionnaire_id>/questions/<int:question_id>", methods=["GET", "POST"])
@staff_required(Role.facilitator)
def edit_question(questionnaire_id, question_id=None):
    questionnaire = _questionnaire(questionnaire_id)
    version = questionnaire.latest_version
    question = None
    if question_id is not None:
        question = db.session.get(Question, question_id)
        if question is None or question.version_id != version.id:
            abort(404)
    form = QuestionForm(obj=None)
    form.group.choices = _part_choices(version)
    earlier = [q for q in version.questions if question is None or q.position < question.position]
    condition_form.offer_questions(form, earlier, current=question.condition if question else None)
    if request.method == "GET" and question is not None:
        _fill_question_form(form, question)
    if form.validate_on_submit():
        try:
            condition = condition_form.read(form, {q.code: q for q in earlier}, question.condition if question else None)
        except ConditionError as error:
            form.condition_mode.errors = [*form.condition_mode.errors, str(error)]
        else:
            try:
                ops.save_question(version, question=question, condition=condition, group=form.group.data or None,
                                  **_kept_translations(_question_fields(form), question))
            except ops.PartError as error:
                db.session.rollback()
                form.group.errors = [*form.group.errors, str(error)]
            except ops.SurveyError as error:
                db.session.rollback()
                form.code.errors = [*form.code.errors, str(error)]
            else:
                db.session.commit()
                flash(_("Question saved."), "success")
                return redirect(url_for(".detail", questionnaire_id=questionnaire.id))
    by_code = {q.code: q for q in version.questions}
    return render_template("surveys/manage/question_form.html", form=form, questionnaire=questionnaire,
                           question=question, locked=version.is_locked,
                           condition_words=describe(question.condition, by_code) if question and question.condition else "",
                           condition_values=_condition_values(earlier))


def _part_choices(version) -> list[SelectChoice]:
    """No part, then each part by its title and code (titles are typed in any script)."""
    return [SelectChoice("", _("No part"))] + [
        SelectChoice(part["code"], f"{localized(part['title'])} ({part['code']})", render_kw={"dir": "auto"})
        for part in version.groups or []]


def _condition_values(earlier) -> list[tuple[str, str]]:
    """(value, what it is) for the value fields' suggestions: every option of the questions before."""
    values = []
    for q in earlier:
        if q.type is QuestionType.yes_no:
            values += [(_("yes"), f"{q.code}: {_('Yes')}"), (_("no"), f"{q.code}: {_('No')}")]
        for option in q.options:
            values.append((option["code"], f"{q.code}: {q.option_label(option['code'])}"))
    return values


def _question_fields(form) -> dict:
    settings = {key: (int(v) if float(v).is_integer() else v)
                for key, v in (("min", form.minimum.data), ("max", form.maximum.data)) if v is not None}
    return dict(code=form.code.data, type=QuestionType(form.type.data), required=form.required.data,
                text=_by_language(form, "text"), help=_by_language(form, "help"),
                options=getattr(form, "parsed_options", []), rows=getattr(form, "parsed_rows", []),
                settings=settings)


def _kept_translations(fields, question) -> dict:
    """The editor has fields for French, English and Arabic only: texts in the other
    languages (written on the translations page, or imported) are kept as they were."""
    if question is None:
        return fields

    def merged(new, old):
        return {**{lang: text for lang, text in (old or {}).items() if lang not in LANGS}, **new}

    def merged_list(new_items, old_items):
        old = {item["code"]: item["label"] for item in old_items or []}
        return [{**item, "label": merged(item["label"], old.get(item["code"]))} for item in new_items]

    return {**fields, "text": merged(fields["text"], question.text), "help": merged(fields["help"], question.help),
            "options": merged_list(fields["options"], question.options),
            "rows": merged_list(fields["rows"], question.rows)}


def _fill_question_form(form, question):
    form.code.data, form.type.data, form.required.data = question.code, question.type.value, question.required
    for lang in LANGS:
        getattr(form, f"text_{lang}").data = question.text.get(lang, "")
        getattr(form, f"help_{lang}").data = question.help.get(lang, "")
    form.options.data = format_options(question.options)
    form.rows.data = format_options(question.rows or [])
    form.minimum.data, form.maximum.data = question.settings.get("min"), question.settings.get("max")
    form.group.data = question.group_code or ""
    condition_form.fill(form, question.condition)


@bp.route("/<int:questionnaire_id>/parties/nouvelle", methods=["GET", "POST"])
@bp.route("/<int:questionnaire_id>/parties/<code>", methods=["GET", "POST"])
@staff_required(Role.facilitator)
def edit_group(questionnaire_id, code=None):
    """A part of the questionnaire: its title, its questions, and the condition that shows
    or skips all of them at once ("only if the household has more than one person")."""
    questionnaire = _questionnaire(questionnaire_id)
    version = questionnaire.latest_version
    group = version.group(code) if code is not None else None
    if code is not None and group is None:
        abort(404)
    form = GroupForm()
    # A checkbox's label is not the input: the typed text is isolated in the label itself.
    form.members.choices = [SelectChoice(q.code, Markup("{} — {}").format(q.code, bdi(q.display_text()[:60])))
                            for q in version.questions if q.group_code in (None, code)]
    condition_form.offer_questions(form, list(version.questions), current=group.get("condition") if group else None)
    if request.method == "GET" and group is not None:
        form.code.data = group["code"]
        for lang in LANGS:
            getattr(form, f"title_{lang}").data = group["title"].get(lang, "")
        form.members.data = [q.code for q in version.questions if q.group_code == code]
        condition_form.fill(form, group.get("condition"))
    if form.validate_on_submit():
        stored = group.get("condition") if group else None
        try:
            condition = condition_form.read(form, {q.code: q for q in version.questions}, stored)
            title = {**{k: v for k, v in (group or {}).get("title", {}).items() if k not in LANGS},
                     **_by_language(form, "title")}
            ops.save_group(version, code=form.code.data, title=title, members=form.members.data or [],
                           condition=condition, group=group)
        except ConditionError as error:
            form.condition_mode.errors = [*form.condition_mode.errors, str(error)]
        except ops.SurveyError as error:
            db.session.rollback()
            form.code.errors = [*form.code.errors, str(error)]
        else:
            db.session.commit()
            flash(_("Part saved."), "success")
            return redirect(url_for(".detail", questionnaire_id=questionnaire.id))
    by_code = {q.code: q for q in version.questions}
    words = describe(group["condition"], by_code) if group and group.get("condition") else ""
    return render_template("surveys/manage/group_form.html", form=form, questionnaire=questionnaire, group=group,
                           locked=version.is_locked, condition_words=words,
                           condition_values=_condition_values(version.questions))


@bp.post("/<int:questionnaire_id>/parties/<code>/supprimer")
@staff_required(Role.facilitator)
def delete_group(questionnaire_id, code):
    """The part and its condition go; its questions stay."""
    questionnaire = _questionnaire(questionnaire_id)
    version = questionnaire.latest_version
    if version.group(code) is None:
        abort(404)
    if EmptyForm().validate_on_submit():
        try:
            ops.delete_group(version, code)
            db.session.commit()
        except ops.SurveyError as error:
            db.session.rollback()
            flash(str(error), "error")
    return redirect(url_for(".detail", questionnaire_id=questionnaire.id))


@bp.post("/<int:questionnaire_id>/questions/<int:question_id>/<any(supprimer, monter, descendre):action>")
@staff_required(Role.facilitator)
def question_action(questionnaire_id, question_id, action):
    questionnaire = _questionnaire(questionnaire_id)
    question = db.session.get(Question, question_id)
    if question is None or question.version_id != questionnaire.latest_version.id:
        abort(404)
    if EmptyForm().validate_on_submit():
        try:
            if action == "supprimer":
                ops.delete_question(question)
            else:
                ops.move_question(question, -1 if action == "monter" else 1)
            db.session.commit()
        except ops.SurveyError as error:
            db.session.rollback()
            flash(str(error), "error")
    return redirect(url_for(".detail", questionnaire_id=questionnaire.id))


@bp.route("/<int:questionnaire_id>/traductions", methods=["GET", "POST"])
@staff_required(Role.facilitator)
def translations(questionnaire_id):
    """Add a content language to the latest version, or fill its texts: one field per text
    (question, help, options, rows), the French beside it. `?langue=tr`; without it, a
    picker. French is written in the question editor (it is required there)."""
    questionnaire = _questionnaire(questionnaire_id)
    version = questionnaire.latest_version
    asked = request.args.get("langue", "").strip()
    language = normalize_code(asked) if asked else None
    context = {"questionnaire": questionnaire, "version": version, "content_languages": version.languages,
               "language_name": language_name, "asked": asked[:20]}
    if not asked:
        return render_template("surveys/manage/translations.html", language=None, **context)
    if language is None or language == "fr":
        message = (_("French is written in the question editor.") if language == "fr" else
                   _("%(code)s is not a language code: write one such as tr, pt, ro, es, wo or zgh.", code=asked[:20]))
        return render_template("surveys/manage/translations.html", language=None, error=message, **context), 422
    context.update(language=language, direction=text_direction_of(language), locked=version.is_locked,
                   texts=_translatable(version, language), about=_questionnaire_texts(questionnaire, language)
                   + _part_texts(version, language))
    if request.method == "POST":
        if version.is_locked or not EmptyForm().validate_on_submit():
            return render_template("surveys/manage/translations.html", refused=True, **context), 422
        _save_translations(version, language, request.form)
        _save_questionnaire_texts(questionnaire, language, request.form)
        _save_part_texts(version, language, request.form)
        db.session.commit()
        flash(_("Texts in %(language)s saved.", language=language_name(language, current_language())), "success")
        return redirect(url_for(".translations", questionnaire_id=questionnaire.id, langue=language))
    return render_template("surveys/manage/translations.html", form=EmptyForm(), **context)


def _translatable(version, language) -> list:
    """[(question, [(field name, what it is, French text, text in `language`)])] of a version."""
    found = []
    for question in version.questions:
        fields = [(f"text-{question.code}", _("Question"), question.text, "text"),
                  (f"help-{question.code}", _("Help"), question.help or {}, "help")]
        fields += [(f"option-{question.code}-{o['code']}", _("Option %(code)s", code=o["code"]), o["label"], None)
                   for o in question.options]
        fields += [(f"row-{question.code}-{r['code']}", _("Row %(code)s", code=r["code"]), r["label"], None)
                   for r in question.rows or []]
        found.append((question, [(name, what, texts.get("fr", ""), texts.get(language, ""))
                                 for name, what, texts, kind in fields if kind != "help" or texts.get("fr")]))
    return found


def _questionnaire_texts(questionnaire, language) -> list:
    """The title and the introduction, as fields of the translations page (the introduction
    only when it has a French text: there is nothing to translate otherwise)."""
    fields = [("title", _("Title"), questionnaire.title or {})]
    if (questionnaire.description or {}).get("fr"):
        fields.append(("description", _("Introduction"), questionnaire.description))
    return [(name, what, texts.get("fr", ""), texts.get(language, "")) for name, what, texts in fields]


def _save_questionnaire_texts(questionnaire, language, form):
    """The title and introduction in `language`: a field left empty shows the French."""
    limits = {"title": 200, "description": 2000}
    for name, _what, _french, _text in _questionnaire_texts(questionnaire, language):
        texts = dict(getattr(questionnaire, name) or {})
        value = clean_string(form.get(f"questionnaire-{name}", "")).strip()[:limits[name]]
        if value:
            texts[language] = value
        else:
            texts.pop(language, None)
        setattr(questionnaire, name, texts)


def _part_texts(version, language) -> list:
    """The titles of the parts (groups of questions), as fields of the translations page."""
    return [(f"part-{g['code']}", _("Part %(code)s", code=g["code"]), g["title"].get("fr", ""),
             g["title"].get(language, "")) for g in version.groups or []]


def _save_part_texts(version, language, form):
    groups = []
    for group in version.groups or []:
        title = dict(group["title"])
        value = clean_string(form.get(f"questionnaire-part-{group['code']}", "")).strip()[:200]
        if value:
            title[language] = value
        else:
            title.pop(language, None)
        groups.append({**group, "title": title})
    version.groups = groups  # a new list: the JSON column sees the change


def _save_translations(version, language, form):
    """Each field sets (or, left empty, removes) the text in `language`; French is untouched.
    JSON columns are given new values, so that the change is saved."""
    def updated(texts, name, limit):
        texts = dict(texts or {})
        value = clean_string(form.get(name, "")).strip()[:limit]
        if value:
            texts[language] = value
        else:
            texts.pop(language, None)
        return texts

    for question in version.questions:
        question.text = updated(question.text, f"text-{question.code}", 1000)
        if (question.help or {}).get("fr"):
            question.help = updated(question.help, f"help-{question.code}", 500)
        question.options = [{**o, "label": updated(o["label"], f"option-{question.code}-{o['code']}", 200)}
                            for o in question.options]
        question.rows = [{**r, "label": updated(r["label"], f"row-{question.code}-{r['code']}", 200)}
                         for r in question.rows or []]


@bp.get("/<int:questionnaire_id>/apercu")
@staff_required(Role.facilitator, Role.evaluator)
def preview(questionnaire_id):
    """The latest version as a resident sees it on a kiosk; nothing can be sent."""
    questionnaire = _questionnaire(questionnaire_id, manage=False)
    version = questionnaire.latest_version
    language = choose_content_language(version.languages, request.args.get("lang"))
    with force_locale(language if language in LANGS else "fr"):
        return render_answer_page(SimpleNamespace(questionnaire=questionnaire), version.questions, preview=True)


@bp.post("/<int:questionnaire_id>/vagues")
@staff_required(Role.facilitator)
def create_wave(questionnaire_id):
    questionnaire = _questionnaire(questionnaire_id, manage=False)
    form = WaveForm()
    _territory_choices(form.territory)
    if form.validate_on_submit():
        territory = db.session.get(Territory, form.territory.data)
        if territory is None or not can_manage_surveys(g.user, territory):
            abort(403)
        try:
            wave = ops.create_wave(questionnaire, territory, form.opens_on.data, form.closes_on.data)
            db.session.commit()
            flash(_("Wave %(n)s created. Open it when you are ready.", n=wave.number), "success")
        except ops.SurveyError as error:
            db.session.rollback()
            flash(str(error), "error")
    else:
        for errors in form.errors.values():
            flash(" ".join(str(error) for error in errors), "error")
    return redirect(url_for(".detail", questionnaire_id=questionnaire.id))


@bp.get("/vagues/<int:wave_id>")
@staff_required(Role.facilitator, Role.evaluator)
def wave(wave_id):
    wave = _wave(wave_id, manage=False)
    link = url_for("surveys.answer", wave_id=wave.id, _external=True)
    qr_svg = Markup(segno.make(link, error="m").svg_inline(scale=4, title=_("QR code of the survey link")))
    return render_template(
        "surveys/manage/wave.html", wave=wave, link=link, qr_svg=qr_svg, formats=FORMATS,
        count=ops.response_counts([wave]).get(wave.id, 0), by_quartier=ops.counts_by_quartier(wave),
        action_form=EmptyForm(), can_manage=can_manage_surveys(g.user, wave.territory), WaveStatus=WaveStatus,
    )


@bp.get("/vagues/<int:wave_id>/compteurs")
@staff_required(Role.facilitator, Role.evaluator)
def wave_counts(wave_id):
    """What the wave page polls to keep its counts live while residents answer."""
    wave = _wave(wave_id, manage=False)
    return {"total": ops.response_counts([wave]).get(wave.id, 0),
            "by_quartier": [{"quartier": name, "responses": n} for name, n in ops.counts_by_quartier(wave)]}


@bp.post("/vagues/<int:wave_id>/<any(ouvrir, fermer):action>")
@staff_required(Role.facilitator)
def wave_status(wave_id, action):
    wave = _wave(wave_id)
    if EmptyForm().validate_on_submit():
        try:
            ops.set_wave_status(wave, WaveStatus.open if action == "ouvrir" else WaveStatus.closed)
            db.session.commit()
        except ops.SurveyError as error:
            db.session.rollback()
            flash(str(error), "error")
    return redirect(url_for(".wave", wave_id=wave.id))


@bp.post("/vagues/<int:wave_id>/suivante")
@staff_required(Role.facilitator)
def next_wave(wave_id):
    wave = _wave(wave_id)
    if EmptyForm().validate_on_submit():
        try:
            created = ops.create_next_wave(wave)
        except OverflowError:  # a wave ending in the year 9999 has no next period
            db.session.rollback()
            flash(_("The next wave would end after the year 9999: change this wave's dates first."), "error")
            return redirect(url_for(".wave", wave_id=wave.id))
        db.session.commit()
        flash(_("Wave %(n)s created from wave %(m)s.", n=created.number, m=wave.number), "success")
        return redirect(url_for(".wave", wave_id=created.id))
    return redirect(url_for(".wave", wave_id=wave.id))


@bp.get("/vagues/<int:wave_id>/export.<any(wide, long, xlsx, sav, codebook):fmt>")
@staff_required(Role.facilitator, Role.evaluator)
def export(wave_id, fmt):
    return export_response(_wave(wave_id, manage=False), fmt)

"""Facilitator forms. Questionnaire content is entered per language (fr required)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from voix.request_input import FIRST_YEAR, LAST_YEAR, plausible_year

from .condition_form import MODES, ConditionFields
from .interchange import ACCEPTED_SUFFIXES
from .models import QuestionType

TYPE_LABELS = {
    QuestionType.single_choice: _l("Single choice"),
    QuestionType.multiple_choice: _l("Multiple choice"),
    QuestionType.agreement: _l("Agreement scale (5 points + don't know)"),
    QuestionType.smiley: _l("Smiley rating"),
    QuestionType.yes_no: _l("Yes / no"),
    QuestionType.number: _l("Number"),
    QuestionType.date: _l("Date"),
    QuestionType.short_text: _l("Short text"),
    QuestionType.long_text: _l("Long free text"),
    QuestionType.ranking: _l("Ranking"),
    QuestionType.matrix_single: _l("Matrix: one answer per row (rows share the options)"),
    QuestionType.matrix_multiple: _l("Matrix: several answers per row (rows share the options)"),
    QuestionType.multiple_number: _l("Several numbers (one per item)"),
    QuestionType.multiple_short_text: _l("Several short texts (one per item)"),
    QuestionType.information: _l("Information to read (no answer)"),
}


class QuestionnaireForm(FlaskForm):
    title_fr = StringField(_l("Title in French"), validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=200)])
    title_ar = StringField(_l("Title in Arabic"), validators=[Optional(), Length(max=200)])
    description_fr = TextAreaField(_l("Introduction in French"), validators=[Optional(), Length(max=2000)])
    description_en = TextAreaField(_l("Introduction in English"), validators=[Optional(), Length(max=2000)])
    description_ar = TextAreaField(_l("Introduction in Arabic"), validators=[Optional(), Length(max=2000)])
    territory = SelectField(_l("Territory"), coerce=int)
    ask_about_you = BooleanField(_l('Ask the optional "about you" questions'), default=True)
    panel = BooleanField(_l("Panel: follow the same people from wave to wave with a card code "
                            "(chosen now, for good)"), default=False)


SAME_OPTION_CODE = _l("Two options have the same code.")


def parse_options(text: str, duplicate_message=SAME_OPTION_CODE) -> list[dict]:
    """One option per line: `code | French label | English label | Arabic label` (rows and
    items are written the same way)."""
    options = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        code = parts[0].lower()
        if not code.replace("_", "").isalnum() or len(parts) < 2 or not parts[1]:
            raise ValidationError(_l("Each line needs a code and a French label: code | label"))
        label = {lang: text for lang, text in zip(("fr", "en", "ar"), parts[1:4]) if text}
        options.append({"code": code, "label": label})
    if len({o["code"] for o in options}) != len(options):
        raise ValidationError(duplicate_message)
    return options


def format_options(options: list[dict]) -> str:
    return "\n".join(" | ".join([o["code"]] + [o["label"].get(lang, "") for lang in ("fr", "en", "ar")]).rstrip(" |")
                     for o in options)


NUMBER_LIMIT = 10**12  # bounds of a number question: finite, and far beyond any count or amount


def finite_number(form, field):
    if field.data is not None and not -NUMBER_LIMIT <= field.data <= NUMBER_LIMIT:  # also refuses NaN
        raise ValidationError(_l("Enter a number between -%(n)s and %(n)s.", n=NUMBER_LIMIT))


def plausible_date(form, field):
    if field.data is not None and not plausible_year(field.data.year):
        raise ValidationError(_l("Enter a date between the years %(first)s and %(last)s.",
                                 first=FIRST_YEAR, last=LAST_YEAR))


class QuestionForm(ConditionFields, FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)],
                       description=_l("Stable across versions, e.g. tranquility. Same code means same question."))
    type = SelectField(_l("Type"), choices=[SelectChoice(t.value, label) for t, label in TYPE_LABELS.items()])
    required = BooleanField(_l("Answer required"))
    text_fr = TextAreaField(_l("Question in French"), validators=[DataRequired(), Length(max=1000)])
    text_en = TextAreaField(_l("Question in English"), validators=[Optional(), Length(max=1000)])
    text_ar = TextAreaField(_l("Question in Arabic"), validators=[Optional(), Length(max=1000)])
    help_fr = StringField(_l("Help in French"), validators=[Optional(), Length(max=500)])
    help_en = StringField(_l("Help in English"), validators=[Optional(), Length(max=500)])
    help_ar = StringField(_l("Help in Arabic"), validators=[Optional(), Length(max=500)])
    options = TextAreaField(_l("Options"), description=_l("One per line: code | French | English | Arabic"))
    rows = TextAreaField(_l("Rows or items"), description=_l(
        "Matrix: its rows, which share the options. Several numbers or texts: its items. "
        "One per line: code | French | English | Arabic"))
    minimum = FloatField(_l("Minimum"), validators=[Optional(), finite_number])
    maximum = FloatField(_l("Maximum"), validators=[Optional(), finite_number])
    # Choices are the version's parts (set by the view); an unknown one is refused by
    # operations.save_question with a translated message, hence no choice validation here.
    group = SelectField(_l("Part of the questionnaire"), choices=[], validate_choice=False, default="",
                        description=_l("When the part's condition does not hold, its questions are not asked."))

    def validate_options(self, field):
        self.parsed_options = parse_options(field.data)

    def validate_rows(self, field):
        self.parsed_rows = parse_options(field.data, _l("Two rows have the same code."))


class GroupForm(ConditionFields, FlaskForm):
    """A part of the questionnaire: a title, its questions and when it is shown."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)],
                       description=_l("e.g. household: lowercase letters, digits and _."))
    title_fr = StringField(_l("Title in French"), validators=[DataRequired(), Length(max=200)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=200)])
    title_ar = StringField(_l("Title in Arabic"), validators=[Optional(), Length(max=200)])
    members = SelectMultipleField(_l("Its questions"), choices=[], validate_choice=False,
                                  option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False))
    condition_mode = SelectField(_l("Show this part"), choices=[SelectChoice(k, v) for k, v in MODES.items()],
                                 default="always")


class WaveForm(FlaskForm):
    territory = SelectField(_l("Territory"), coerce=int)
    opens_on = DateField(_l("Opens on"), validators=[DataRequired(), plausible_date])
    closes_on = DateField(_l("Closes on"), validators=[DataRequired(), plausible_date])


class ImportForm(FlaskForm):
    """A questionnaire from another tool; the file is checked by surveys.interchange."""

    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file to import."))],
                     render_kw={"accept": ",".join(ACCEPTED_SUFFIXES)},
                     description=_l("XLSForm (.xlsx or .csv, as made for KoBo or ODK), KoboToolbox form (.json) "
                                    "or LimeSurvey survey (.lss)"))
    territory = SelectField(_l("Territory"), coerce=int)
    new_version_of = SelectField(
        _l("Import as"), coerce=int, default=0,
        description=_l("A new version keeps the questionnaire's title and territory; questions with the same name "
                       "keep their code, so that the waves stay comparable."))
    language = SelectField(
        _l("Language of the texts whose column names no language"), default="",
        choices=[SelectChoice("", _l("As the file says (else French)")),
                 SelectChoice("fr", "Français", render_kw={"lang": "fr"}),
                 SelectChoice("en", "English", render_kw={"lang": "en"}),
                 SelectChoice("ar", "العربية", render_kw={"lang": "ar", "dir": "rtl"})])
    title = StringField(_l("Title in French (optional: else the one in the file)"),
                        validators=[Optional(), Length(max=200)])

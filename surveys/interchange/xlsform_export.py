"""A questionnaire version as an XLSForm (survey, choices and settings sheets), which KoBo,
ODK and SurveyCTO read and which our own importer reads back unchanged (a test says so).

Our scales have no XLSForm type: yes/no, agreement and smiley questions are `select_one`
lists with their points, and a `voix_type` column (ignored by other tools) says what they
were, so that an import here gives them back their type. Display conditions are written
as XLSForm `relevant` expressions (`${q} = 'x' and selected(${r}, 'y')`). A part is a
group, or several when its questions do not follow one another, each naming the part in a
`voix_part` column, so that our import makes it one part again.
"""
from flask_babel import force_locale
from flask_babel import gettext as _

from voix.downloads import xlsx_bytes

from ..answers import AGREEMENT_LABELS, AGREEMENT_LEVELS, DONT_KNOW, SMILEY_LABELS, SMILEY_LEVELS
from ..models import ITEMS_TYPES, MATRIX_TYPES, QuestionType

# Language column names as KoBo writes them; the importer reads the code in brackets.
LANGUAGE_NAMES = {"fr": "Français (fr)", "en": "English (en)", "ar": "العربية (ar)"}
SCALES = {QuestionType.yes_no, QuestionType.agreement, QuestionType.smiley}
TYPES = {QuestionType.number: "decimal", QuestionType.date: "date", QuestionType.short_text: "text",
         QuestionType.long_text: "text", QuestionType.information: "note", QuestionType.multiple_number: "decimal",
         QuestionType.multiple_short_text: "text"}
SELECTS = {QuestionType.single_choice: "select_one", QuestionType.multiple_choice: "select_multiple",
           QuestionType.ranking: "rank"}


def xlsform_bytes(questionnaire, version=None) -> bytes:
    version = version or questionnaire.latest_version
    languages = _languages(questionnaire, version)
    label = [f"label::{LANGUAGE_NAMES.get(language, language)}" for language in languages]
    hint = [f"hint::{LANGUAGE_NAMES.get(language, language)}" for language in languages]
    survey = [["type", "name", *label, *hint, "required", "relevant", "constraint", "appearance", "voix_type",
               "kobo--matrix_list", "voix_row", "voix_part"]]
    choices = [["list_name", "name", *label]]
    width = len(survey[0])
    block_names, open_part = _part_block_names(version), None
    for question in version.questions:
        part = question.group_code if version.group(question.group_code) else None
        if part != open_part:  # each run of a part's questions is a group with its title and its relevant
            if open_part:
                survey.append(["end_group", *[""] * (width - 1)])
            if part:
                group = version.group(part)
                row = ["begin_group", block_names[part].pop(0), *(group["title"].get(language, "") for language in languages)]
                row += [""] * len(languages) + ["", relevant(group.get("condition"))]
                survey.append(row + [""] * (width - len(row) - 1) + [part])  # voix_part: one part on import
            open_part = part
        # In a part, its condition is the group's: the question keeps its own.
        condition = question.condition
        kind, lists = _type_and_choices(question, languages)
        texts = [*(question.text.get(language, "") for language in languages),
                 *(question.help.get(language, "") for language in languages)]
        required = "yes" if question.required else ""
        if question.type in MATRIX_TYPES:
            survey.extend(_grid(question, languages, texts, required, kind, condition))
        elif question.type in ITEMS_TYPES:
            survey.extend(_kobo_matrix(question, languages, texts, required, kind, condition))
            lists = [[f"{question.code}_items", row["code"],
                      *(row["label"].get(language, "") for language in languages)] for row in question.rows]
        else:
            survey.append([kind, question.code, *texts, required, relevant(condition),
                           _constraint(question), "multiline" if question.type is QuestionType.long_text else "",
                           question.type.value if question.type in SCALES else "", "", ""])
        choices.extend(lists)
    if open_part:
        survey.append(["end_group", *[""] * (width - 1)])
    title = [f"form_title::{LANGUAGE_NAMES.get(language, language)}" for language in languages]
    settings = [["form_id", "version", *title, "default_language"],
                [f"voix_{questionnaire.id}", str(version.number),
                 *(questionnaire.title.get(language, "") for language in languages), LANGUAGE_NAMES["fr"]]]
    return xlsx_bytes({"survey": survey, "choices": choices, "settings": settings})


def _grid(question, languages, texts, required, kind, condition) -> list:
    """A matrix as ODK draws one: a group holding a header row (appearance `label`, the
    options as column heads) and one select row per matrix row (`list-nolabel`), named
    CODE_ROW (`voix_row` keeps the row's code for our import)."""
    empty_help = [""] * len(languages)
    rows = [["begin_group", question.code, *texts, "", relevant(condition), "", "field-list", "", "", ""],
            [kind, f"{question.code}_header", *texts[:len(languages)], *empty_help, "", "", "", "label", "", "", ""]]
    rows += [[kind, f"{question.code}_{row['code']}", *(row["label"].get(language, "") for language in languages),
              *empty_help, required, "", "", "list-nolabel", "", "", row["code"]] for row in question.rows]
    return [*rows, ["end_group", "", *[""] * len(texts), "", "", "", "", "", "", ""]]


def _kobo_matrix(question, languages, texts, required, kind, condition) -> list:
    """Several numbers or texts as a KoboToolbox matrix: its rows from a list (CODE_items),
    one column (the question) asked of each."""
    blank = [""] * len(texts)
    return [["begin_kobomatrix", f"{question.code}_matrix", *blank, "", relevant(condition), "", "", "",
             f"{question.code}_items", ""],
            [kind, question.code, *texts, required, "", _constraint(question), "", question.type.value, "", ""],
            ["end_kobomatrix", "", *blank, "", "", "", "", "", "", ""]]


def _part_block_names(version) -> dict:
    """{part code: [the name of each of its groups, in order]}. A part whose questions do not
    follow one another is written as several groups (an XLSForm group holds rows that follow
    one another), each with its title and relevant; a name must be unique in a form: the
    first is the part's code, the next ones CODE_2, CODE_3... avoiding every other name."""
    taken = set()
    for question in version.questions:
        taken |= {question.code, f"{question.code}_header", f"{question.code}_matrix"}
        taken |= {f"{question.code}_{row['code']}" for row in question.rows or []}
    runs, previous = {}, None
    for question in version.questions:
        part = question.group_code if version.group(question.group_code) else None
        if part and part != previous:
            runs[part] = runs.get(part, 0) + 1
        previous = part
    taken |= set(runs)
    names = {}
    for part, count in runs.items():
        names[part] = [part]
        suffix = 2
        while len(names[part]) < count:
            candidate = f"{part}_{suffix}"
            suffix += 1
            if candidate not in taken:
                taken.add(candidate)
                names[part].append(candidate)
    return names


def _languages(questionnaire, version) -> list[str]:
    used = set(questionnaire.title)
    used |= {language for group in version.groups or [] for language in group["title"]}
    for question in version.questions:
        used |= set(question.text) | set(question.help)
        used |= {language for option in question.options for language in option.get("label", {})}
    return ["fr", *sorted(used - {"fr"})]


def _type_and_choices(question, languages):
    kind = question.type
    if kind in SELECTS:
        rows = [[question.code, option["code"], *(option["label"].get(language, "") for language in languages)]
                for option in question.options]
        return f"{SELECTS[kind]} {question.code}", rows
    if kind in MATRIX_TYPES:
        rows = [[question.code, option["code"], *(option["label"].get(language, "") for language in languages)]
                for option in question.options]
        return f"{'select_multiple' if kind is QuestionType.matrix_multiple else 'select_one'} {question.code}", rows
    if kind in SCALES:
        return f"select_one {question.code}", [[question.code, code, *_each_language(label, languages)]
                                               for code, label in _scale_points(kind)]
    return TYPES[kind], []


def _scale_points(kind):
    if kind is QuestionType.yes_no:
        return [("yes", lambda: _("Yes")), ("no", lambda: _("No"))]
    if kind is QuestionType.agreement:
        return [(str(level), lambda level=level: AGREEMENT_LABELS[level]) for level in [*AGREEMENT_LEVELS, DONT_KNOW]]
    return [(str(level), lambda level=level: SMILEY_LABELS[level]) for level in SMILEY_LEVELS]


def _each_language(label, languages):
    texts = []
    for language in languages:
        with force_locale(language):
            texts.append(str(label()))
    return texts


def _constraint(question) -> str:
    settings = question.settings or {}
    if question.type is QuestionType.multiple_choice and settings.get("max_choices"):
        return f"count-selected(.) <= {settings['max_choices']}"
    bounds = [f". {sign} {settings[key]}" for key, sign in (("min", ">="), ("max", "<=")) if settings.get(key) is not None]
    return " and ".join(bounds)


# --- Conditions -> `relevant` ---------------------------------------------------------------


def relevant(node, top=True) -> str:
    """Our condition tree as an XLSForm expression (the importer's parser reads it back)."""
    if not node:
        return ""
    op = node["op"]
    if op in ("and", "or"):
        text = f" {op} ".join(relevant(arg, top=False) for arg in node["args"])
        return text if top else f"({text})"
    if op == "not":
        return f"not({relevant(node['args'][0])})"
    # One row of a matrix: its row's name in the file (CODE_ROW, see _grid); an item of
    # several numbers or texts: the same name, which our import reads back.
    reference = "${" + node["question"] + (f"_{node['row']}" if "row" in node else "") + "}"
    if op == "answered":
        return f"{reference} != ''"
    if op == "selected":
        return f"selected({reference}, {_literal(node['value'])})"
    value = node["value"]
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-" and op not in ("=", "!="):
        return f"{reference} {op} date({_literal(value)})"
    return f"{reference} {op} {_literal(value)}"


def _literal(value) -> str:
    if isinstance(value, bool):
        return "'yes'" if value else "'no'"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    return f'"{text}"' if "'" in text else f"'{text}'"

"""One function for every format: a `Draft` becomes a draft questionnaire with one version,
or a new version of an existing questionnaire.

Our rules are applied here, each change said in a note: question codes (lowercase
letters, digits and _), French texts (required: another language stands in, to be
translated), conditions (only on an earlier imported question). The caller commits, or
rolls back on `ImportRefused`.
"""
import re
import unicodedata
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from voix.extensions import db
from voix.languages import language_code, ordered_languages

from .. import operations as ops
from ..conditions import ConditionError, all_of, normalize
from ..models import Questionnaire, QuestionType
from .draft import Draft, ImportRefused, Note

TITLE_MAX, TEXT_MAX, HELP_MAX = 200, 1000, 500  # what the editor's forms accept
CODE_MAX = 40


@dataclass
class ImportResult:
    questionnaire: Questionnaire
    notes: list  # every note; those about display conditions carry their expression
    conditions_imported: int = 0  # display conditions of the file (each once) kept on at least one question
    questions_imported: int = 0  # questions of the file (each once, whatever it became here) imported

    @property
    def condition_notes(self) -> list:
        return [note for note in self.notes if note.expression is not None]

    @property
    def other_notes(self) -> list:
        return [note for note in self.notes if note.expression is None]

    @property
    def version(self):
        return self.questionnaire.latest_version


def build_questionnaire(draft: Draft, territory, *, created_by=None, title=None, filename="",
                        new_version_of=None) -> ImportResult:
    notes = list(draft.notes)
    languages = _Languages(draft.default_language)
    if new_version_of is None:
        title_texts = {"fr": title.strip()} if title and title.strip() else languages.pick(draft.title)
        if not title_texts:
            title_texts = {"fr": _stem(filename) or draft.source}
        questionnaire = ops.create_questionnaire(_clip(title_texts, TITLE_MAX), territory, created_by=created_by)
        questionnaire.description = languages.pick(draft.description)
        db.session.flush()
        version = questionnaire.latest_version
    else:  # the questionnaire keeps its title and territory; the file gives the questions
        questionnaire = new_version_of
        version = ops.new_empty_version(questionnaire)
    codes = _Codes()
    kept = set()  # (source, expression) of the conditions imported
    refused = {}  # (source, expression, reason) -> the questions that could not keep it
    sources = set()  # the file's questions imported, each once
    for question in draft.questions:
        if _add_question(version, question, codes, languages, notes, kept, refused):
            sources.add(question.source or question.name)
    for group in draft.groups:
        _add_part(version, draft, group, codes, languages, notes, kept)
    notes.extend(_refused_notes(refused))
    if all(question.type is QuestionType.information for question in version.questions):
        raise ImportRefused(_l("Nothing in this file could be imported as a question."), notes)
    notes.extend(codes.notes())
    notes.extend(languages.notes())
    if new_version_of is not None:
        notes.extend(_left_out_of_new_version(version))
    return ImportResult(questionnaire, notes, conditions_imported=len(kept), questions_imported=len(sources))


def _left_out_of_new_version(version) -> list:
    previous = version.questionnaire.versions[-2]
    gone = [q.code for q in previous.questions if version.question(q.code) is None]
    if not gone:
        return []
    return [Note("", _l("These questions of version %(n)s are not in the file, so the new version no longer asks "
                        "them: %(codes)s", n=previous.number, codes=", ".join(gone)))]


def _add_question(version, question, codes, languages, notes, kept, refused) -> bool:
    """Save one question of the draft; whether it was imported (refusals become notes)."""
    code = codes.add(question.name)
    options = [(codes.option(question.name, name), languages.pick(label) or {"fr": name})
               for name, label in question.options]
    rows = [{"code": codes.option(f"{question.name} (rows)", name), "label": languages.pick(label) or {"fr": name}}
            for name, label in question.rows]
    if ops.meant_otherwise_before(version, code, question.type, [option_code for option_code, _ in options],
                                  [row["code"] for row in rows]):
        # Same name, another type, options or rows: answers would not be comparable across
        # waves, so it becomes a new question with a code of its own.
        codes.forget(question.name)
        code = codes.add(question.name, taken=ops.codes_of_earlier_versions(version))
        notes.append(Note(question.name, _l("its type or options changed since the previous version: it is a new "
                                            "question, with the code %(code)s.", code=code)))
    fields = dict(
        code=code, type=question.type, required=question.required,
        text=_clip(languages.pick(question.text) or {"fr": question.name}, TEXT_MAX),
        help=_clip(languages.pick(question.help), HELP_MAX),
        options=[{"code": option_code, "label": label} for option_code, label in options],
        rows=rows,
        settings=dict(question.settings),
    )
    parts = _conditions(version, question, codes, refused)
    try:
        ops.save_question(version, condition=all_of(*(tree for _, tree in parts)), **fields)
    except ops.SurveyError as error:
        refusal = error
    else:
        kept.update((part.source, part.expression) for part, _ in parts)
        return True
    if parts:  # its parts pass one by one but perhaps not together (too long): try without them
        try:
            ops.save_question(version, condition=None, **fields)
        except ops.SurveyError as error:
            refusal = error  # the question itself cannot be imported: its conditions go with it
        else:
            for part, _ in parts:
                refused.setdefault((part.source, part.expression, str(refusal)), []).append(question.name)
            return True
    codes.forget(question.name)
    notes.append(Note(question.name, _l("not imported: %(reason)s", reason=str(refusal))))
    return False


def _add_part(version, draft, group, codes, languages, notes, kept):
    """A group of the file with a condition becomes a part: its imported questions, its title,
    its condition (on questions before its first one). Said in a note when it cannot be kept
    (its questions are then shown without that condition)."""
    members = [codes.get(question.name) for question in draft.questions if question.group == group.key]
    members = [code for code in members if code and version.question(code) is not None]
    if not members:
        return
    first = min(version.question(code).position for code in members)
    earlier = {q.code: q for q in version.questions if q.position < first}
    taken = {g["code"] for g in version.groups or []} | ops.RESERVED_PART_CODES
    code = _unique(_ascii_words(group.name)[:CODE_MAX] or "part", taken, CODE_MAX)
    if not code[0].isalpha():
        code = _unique(f"part_{code}"[:CODE_MAX], taken, CODE_MAX)
    try:
        condition = _our_names(group.condition.tree, codes, earlier) if group.condition else None
        ops.save_group(version, code=code, title=_clip(languages.pick(group.title) or {"fr": group.name}, TITLE_MAX),
                       members=members, condition=condition)
    except (ConditionError, ops.SurveyError) as error:
        if group.condition is None:  # a part of our own export, without a condition
            notes.append(Note(group.name, _l("not imported: %(reason)s", reason=str(error))))
            return
        notes.append(Note(group.name, _l("display condition not imported (%(reason)s): %(expression)s",
                                         reason=str(error), expression=group.condition.expression),
                          expression=group.condition.expression))
        return
    if group.condition is not None:
        kept.add((group.condition.source, group.condition.expression))


def _conditions(version, question, codes, refused) -> list:
    """[(part, checked tree)] of the question's condition parts that can be kept here; those
    that cannot go to `refused`, to be said once each (a group's condition is on many questions)."""
    earlier = {q.code: q for q in version.questions}
    kept = []
    for part in question.conditions:
        try:
            tree = normalize(_our_names(part.tree, codes, earlier), earlier)
        except ConditionError as error:
            refused.setdefault((part.source, part.expression, str(error)), []).append(question.name)
            continue
        kept.append((part, tree))
    return kept


def _refused_notes(refused) -> list:
    notes = []
    for (source, expression, reason), questions in refused.items():
        if questions == [source]:
            message = _l("display condition not imported (%(reason)s): %(expression)s", reason=reason,
                         expression=expression)
        else:
            message = _l("display condition not imported for %(questions)s (%(reason)s): %(expression)s",
                         questions=", ".join(questions), reason=reason, expression=expression)
        notes.append(Note(source, message, expression=expression))
    return notes


def _our_names(node, codes, earlier):
    """The file's question and option names -> our codes. A test of equality on a multiple
    choice, which XLSForm forms often write, means that option is among the choices."""
    if node["op"] in ("and", "or", "not"):
        return {"op": node["op"], "args": [_our_names(arg, codes, earlier) for arg in node["args"]]}
    code = codes.get(node["question"])
    if code is None or code not in earlier:
        raise ConditionError(_l("it depends on %(name)s, which was not imported", name=node["question"]))
    ours = {**node, "question": code}
    if "row" in node:  # one row of a matrix: its name in the file -> our row code
        row = codes.option_code(f"{node['question']} (rows)", str(node["row"]))
        if row is None:
            raise ConditionError(_l("it depends on %(name)s, which was not imported",
                                    name=f"{node['question']}_{node['row']}"))
        ours["row"] = row
    if "value" in node:
        ours["value"] = codes.option_code(node["question"], str(node["value"])) or node["value"]
    if "row" in node:
        if earlier[code].type is QuestionType.matrix_multiple and node["op"] in ("=", "!="):
            selected = {**ours, "op": "selected"}  # "= option" on a row of boxes: that box is ticked
            return selected if node["op"] == "=" else {"op": "not", "args": [selected]}
        return ours
    if earlier[code].type in (QuestionType.multiple_choice, QuestionType.ranking) and node["op"] in ("=", "!="):
        selected = {"op": "selected", "question": code, "value": ours["value"]}
        return selected if node["op"] == "=" else {"op": "not", "args": [selected]}
    if node["op"] == "selected" and earlier[code].type not in (QuestionType.multiple_choice, QuestionType.ranking):
        return {**ours, "op": "="}  # XLSForm's selected() on a single choice: it is that option
    return ours


def _clip(texts: dict, limit: int) -> dict:
    return {lang: text[:limit].rstrip() for lang, text in texts.items()}


def _stem(filename) -> str:
    name = str(filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0].strip()


# --- Codes ---------------------------------------------------------------------------


def _ascii_words(name) -> str:
    folded = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"_+", "_", re.sub(r"[^a-z0-9_]", "_", folded)).strip("_")


class _Codes:
    """File names -> our codes, unique per version; option names -> codes, unique per question."""

    def __init__(self):
        self._questions, self._options, self._changed, self._lowered = {}, {}, [], False

    def add(self, name, taken=()) -> str:
        code = _ascii_words(name)
        if not code or not code[0].isalpha():
            code = f"q_{code}".rstrip("_")
        code = _unique(code[:CODE_MAX], set(self._questions.values()) | set(taken), CODE_MAX)
        self._questions[name] = code
        if code != name:
            self._changed.append(f"{name} → {code}")
        return code

    def get(self, name):
        return self._questions.get(name)

    def forget(self, name):
        self._questions.pop(name, None)

    def option(self, question, name) -> str:
        taken = self._options.setdefault(question, {})
        code = _unique(_ascii_words(name)[:CODE_MAX] or "option", set(taken.values()), CODE_MAX)
        taken[name] = code
        if code == name.lower():
            self._lowered = self._lowered or code != name
        else:  # more than a change of case: worth listing
            self._changed.append(f"{question} / {name} → {code}")
        return code

    def option_code(self, question, name):
        return self._options.get(question, {}).get(name)

    def notes(self):
        notes = []
        if self._changed:
            notes.append(Note("", _l("Codes changed to follow our rules (lowercase letters, digits and _, starting "
                                     "with a letter for questions): %(changes)s", changes=", ".join(self._changed))))
        if self._lowered:
            notes.append(Note("", _l("Option codes were put in lowercase.")))
        return notes


def _unique(code, taken, limit) -> str:
    candidate, n = code, 1
    while candidate in taken:
        n += 1
        suffix = f"_{n}"
        candidate = code[:limit - len(suffix)] + suffix
    return candidate


# --- Languages -----------------------------------------------------------------------


class _Languages:
    """Keeps every language (by its BCP 47 code); another language stands in when French,
    the platform's required language, is missing. A tag that names no known language is
    left out, with a note."""

    def __init__(self, default_tag):
        self.default_tag = default_tag
        self.unknown, self.stand_ins = set(), set()

    def pick(self, texts: dict) -> dict:
        ours = {}
        for tag, text in texts.items():
            code = language_code(tag)
            if code is None:
                self.unknown.add(str(tag))
            elif text and code not in ours:
                ours[code] = text
        if texts and "fr" not in ours:
            stand_in = self._stand_in(texts)
            if stand_in is not None:
                ours["fr"] = texts[stand_in]
                self.stand_ins.add(str(stand_in))
        return {code: ours[code] for code in ordered_languages(ours)}

    def _stand_in(self, texts):
        by_code = {language_code(tag): tag for tag in texts if texts[tag]}
        for candidate in (by_code.get("en"), by_code.get("ar"), self.default_tag, *texts):
            if candidate is not None and texts.get(candidate):
                return candidate
        return None

    def notes(self):
        notes = []
        unknown = sorted(self.unknown - self.stand_ins - {"default"})
        if unknown:
            notes.append(Note("", _l("Texts in these columns were not imported: their name is not a language we "
                                     "know (write a code such as tr, or a name such as Turkish (tr)): "
                                     "%(languages)s", languages=", ".join(unknown))))
        if self.stand_ins:
            notes.append(Note("", _l("Some texts had no French version: the text in %(languages)s was put in its "
                                     "place. Translate it before opening a wave.",
                                     languages=_names(sorted(self.stand_ins)))))
        return notes


def _names(tags) -> str:
    """'en' -> 'anglais' in the reader's language; names such as 'chinese' stay as they are."""
    names = []
    for tag in tags:
        try:
            names.append(Locale.parse(str(tag).replace("-", "_")).get_display_name(get_locale()) or tag)
        except (ValueError, TypeError, UnknownLocaleError):
            names.append(str(tag))
    return ", ".join(names)

"""KoboToolbox / formpack form JSON: one version of a form, as KoBo keeps it.

KoBo stores each deployed version of a form as XLSForm content in JSON:

    {"id_string": "...", "version": "...", "content": {"survey": [...], "choices": [...],
     "settings": {...}, "translations": [null, "French (fr)"]}, "submissions": [...]}

Rows are the XLSForm's rows, so the XLSForm reader does the rest. Two ways of writing
translations occur: columns such as "label::french" (formpack's fixtures), or lists
aligned with "translations" ("label": ["...", "..."], KoBo's own asset content).
A bare content object ({"survey": [...]}) is read too. Submissions are not imported.
"""
import json

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from .draft import Draft, ImportRefused
from .xlsform import draft_from_sheets

SHEETS = ("survey", "choices", "settings")


def read_kobo_json(content: bytes, *, language=None) -> Draft:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise ImportRefused(_l("This file is not a KoboToolbox form in JSON.")) from None
    form = data.get("content", data) if isinstance(data, dict) else None
    if not isinstance(form, dict) or not isinstance(form.get("survey"), list):
        raise ImportRefused(_l("This JSON file has no KoboToolbox form (a \"content\" with a \"survey\" list)."))
    translations = form.get("translations") if isinstance(form.get("translations"), list) else [None]
    sheets = {name: _rows(form.get(name), translations) for name in SHEETS}
    draft = draft_from_sheets(sheets, source="KoboToolbox", language=language)
    submissions = data.get("submissions") if isinstance(data, dict) else None
    if isinstance(submissions, list) and submissions:
        draft.note("", lazy_ngettext("The %(num)d submission in the file was not imported: only the form was.",
                                     "The %(num)d submissions in the file were not imported: only the form was.",
                                     len(submissions)))
    return draft


def _rows(sheet, translations) -> list[dict]:
    if isinstance(sheet, dict):  # "settings" is one object in KoBo, one row in XLSForm
        sheet = [sheet]
    if not isinstance(sheet, list):
        return []
    return [_row(raw, translations) for raw in sheet if isinstance(raw, dict)]


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):  # KoBo writes "required": true as often as "true"
        return "true" if value else "false"
    return str(value).strip()


def _row(raw: dict, translations) -> dict:
    """{header: text} as the XLSForm reader expects; aligned lists become one column per language."""
    row = {}
    if "name" not in raw and raw.get("$autoname"):
        row["name"] = cell_text(raw["$autoname"])
    for header, value in raw.items():
        if header.startswith("$"):  # KoBo's own bookkeeping ($kuid, $autoname...)
            continue
        if isinstance(value, list):
            for language, text in zip(translations, value):
                row[f"{header}::{language}" if language else header] = cell_text(text)
        elif not isinstance(value, dict):
            row[header] = cell_text(value)
    list_name = row.pop("select_from_list_name", "")
    if list_name and row.get("type", "").split() in (["select_one"], ["select_multiple"], ["rank"]):
        row["type"] = f"{row['type'].strip()} {list_name}"
    return row

"""Questionnaires from other tools: XLSForm (.xlsx, .csv), KoboToolbox form JSON (.json)
and LimeSurvey (.lss).

    result = import_questionnaire("enquete.xlsx", content, territory, created_by=user)
    result = import_questionnaire("v2.json", content, territory, new_version_of=questionnaire)
    db.session.commit()   # or rollback on ImportRefused: nothing was changed

Each importer reads its format into a neutral `Draft` (draft.py); `build.py` turns any
draft into a draft questionnaire with one version, or into a new version of an existing
questionnaire (questions matched by name, so that waves stay comparable). Whatever could not be imported as it
was is listed in `result.notes`, to be shown to the user.
"""
import logging

from flask_babel import lazy_gettext as _l

from voix.request_input import cleaned_strings

from .build import ImportResult, build_questionnaire
from .draft import Draft, ImportRefused, Note
from .files import check_size
from .kobo import read_kobo_json
from .limesurvey import read_limesurvey
from .xlsform import read_xlsform

__all__ = ["ACCEPTED_SUFFIXES", "Draft", "ImportRefused", "ImportResult", "Note", "import_questionnaire",
           "read_file"]
ACCEPTED_SUFFIXES = (".xlsx", ".csv", ".json", ".lss")
log = logging.getLogger(__name__)


def read_file(filename: str, content: bytes, language=None) -> Draft:
    """The file as a draft, by its extension; ImportRefused with a message for the user otherwise.

    `language`: the language of the texts whose column names none (XLSForm, KoBo), if known.
    """
    check_size(content)
    suffix = "." + filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    readers = {".xlsx": lambda c: read_xlsform(c, language=language),
               ".csv": lambda c: read_xlsform(c, csv_layout=True, language=language),
               ".json": lambda c: read_kobo_json(c, language=language), ".lss": read_limesurvey}
    if suffix == ".xls":
        raise ImportRefused(_l("Old Excel files (.xls) cannot be read: save it as .xlsx first."))
    if suffix not in readers:
        raise ImportRefused(_l("Choose an XLSForm (.xlsx or .csv), a KoboToolbox form (.json) or a LimeSurvey "
                               "survey (.lss)."))
    try:
        return readers[suffix](content)
    except ImportRefused:
        raise
    except Exception:
        # A file from elsewhere can break a reader in ways nobody listed: the user gets a
        # clear refusal, the log gets the details.
        log.exception("could not read %r as %s", filename, suffix)
        raise ImportRefused(_l("This file could not be read as %(kind)s.", kind=suffix)) from None


def import_questionnaire(filename: str, content: bytes, territory, *, created_by=None, title=None, language=None,
                         new_version_of=None) -> ImportResult:
    """A new draft questionnaire from the file, or a new version of `new_version_of`; the caller
    commits (or rolls back on ImportRefused)."""
    draft = cleaned_strings(read_file(filename, content, language))  # file text is outside text too
    return build_questionnaire(draft, territory, created_by=created_by, title=title, filename=filename,
                               new_version_of=new_version_of)

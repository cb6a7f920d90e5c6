"""The scrubber's placeholders, shown in the reader's language.

Stored texts keep one stable form, the French `[nom]`, `[téléphone]`... (voix/privacy/rules.py
`PLACEHOLDERS`): the scrubber never matches them again (idempotence), exports and the API give
them as stored, and the analysis reads one vocabulary. Pages show them translated at display
time: every `{{ text }}` a template prints goes through `readable` (the Jinja `finalize` hook
set in voix/text_direction.py, so no template can forget it), and `|placeholders` does the same by hand where a filter
returns markup (`bdi` calls it).

Form fields are rendered by WTForms as markup and are left alone, so an edited text goes back
with its stored placeholders; a translated one typed or pasted back (`[name]`, `[اسم]`) is
turned into the stored form by the scrubber (`stored_form`).
"""
import re

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from .privacy.rules import ACCOUNT, ADDRESS, BIRTH_DATE, EMAIL, HEALTH, NAME, NUMBER, PHONE

# Source strings are English, like every msgid; the French catalogue gives back the stored form.
LABELS = {
    EMAIL: _l("[email]"),
    PHONE: _l("[phone]"),
    NAME: _l("[name]"),
    ADDRESS: _l("[address]"),
    NUMBER: _l("[number]"),
    BIRTH_DATE: _l("[date of birth]"),
    HEALTH: _l("[health]"),
    ACCOUNT: _l("[account]"),
}
_STORED = re.compile("|".join(re.escape(p) for p in LABELS))


def readable(value):
    """`value` with its placeholders in the page's language; anything else unchanged.

    Markup (form fields, filters' output) is left as it is: see the module's docstring."""
    if type(value) is not str or "[" not in value:
        return value
    return _STORED.sub(lambda m: str(LABELS[m.group()]), value)


def placeholders(value):
    """The `|placeholders` filter: like `readable`, also inside markup (escaped labels)."""
    if isinstance(value, Markup):
        return Markup(_STORED.sub(lambda m: str(escape(str(LABELS[m.group()]))), value))
    return readable(value)


def init_app(app):
    app.add_template_filter(placeholders, "placeholders")

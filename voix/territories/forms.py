from wtforms.fields.choices import SelectChoice

from .models import all_territories


def territory_choices(user, allowed) -> list[SelectChoice]:
    """The territories `allowed(user, territory)` lets this user pick, for a SelectField."""
    # Names are typed by administrators, in any script: each option takes its own direction.
    return [SelectChoice(t.id, t.label, render_kw={"dir": "auto"}) for t in all_territories() if allowed(user, t)]

from wtforms.fields.choices import SelectChoice

from .models import all_territories


def territory_choices(user, allowed) -> list[SelectChoice]:
    """The territories `allowed(user, territory)` lets this user pick, for a SelectField."""
    return [SelectChoice(t.id, t.label) for t in all_territories() if allowed(user, t)]

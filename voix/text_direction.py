"""Text that people wrote is shown in its own direction (Arabic in a French page, French in
the Arabic one), isolated so that it can neither reorder nor be reordered by the page.

Block elements take `dir="auto"` in the templates; inline text, e.g. an idea's title in a
button's label for screen readers, goes through the `bdi` filter: `{{ idea.title|bdi }}`.
"""
from markupsafe import Markup

from .placeholders import placeholders


def bdi(text) -> Markup:
    """`text`, escaped, in a <bdi> element (empty text gives nothing), its scrubber
    placeholders in the page's language."""
    if text is None or text == "":
        return Markup("")
    return Markup("<bdi>{}</bdi>").format(placeholders(text))


def init_app(app):
    app.add_template_filter(bdi, "bdi")

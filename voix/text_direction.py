"""Text that people wrote is shown in its own direction (Arabic in a French page, French in
the Arabic one), isolated so that it can neither reorder nor be reordered by the page.

Block elements take `dir="auto"` in the templates; inline text, e.g. an idea's title in a
button's label for screen readers, goes through the `bdi` filter: `{{ idea.title|bdi }}`.
Whatever a template prints loses its unpaired bidi controls and shows the scrubber's
placeholders in the page's language (`_finalize`, voix/placeholders.py).
"""
from markupsafe import Markup

from .placeholders import placeholders, readable
from .request_input import without_stray_bidi_controls


def bdi(text) -> Markup:
    """`text`, escaped, in a <bdi> element (empty text gives nothing), its scrubber
    placeholders in the page's language."""
    if text is None or text == "":
        return Markup("")
    return Markup("<bdi>{}</bdi>").format(placeholders(text))


def _finalize(value):
    """Every `{{ ... }}` of every template: text typed before the request boundary cleaned
    it (older rows, imports, the command line) loses its unpaired bidi controls here, so
    that an override never reorders the page around it; then its placeholders are put in
    the reader's language."""
    if isinstance(value, str):
        cleaned = without_stray_bidi_controls(value)
        if cleaned is not value:
            value = Markup(cleaned) if isinstance(value, Markup) else cleaned
    return readable(value)


def init_app(app):
    app.add_template_filter(bdi, "bdi")
    # Set before any template is compiled: Jinja writes the call into the compiled code.
    app.jinja_env.finalize = _finalize

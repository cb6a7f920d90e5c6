"""The scrubber's placeholders: stored in one stable form, shown in the page's language."""
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from markupsafe import Markup

from deliberation import operations as ops
from deliberation.models import Origin
from voix.extensions import db
from voix.placeholders import LABELS, placeholders, readable
from voix.privacy import PLACEHOLDERS, scrub
from voix.privacy.rules import SHOWN_AS
from voix.text_direction import bdi

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


@pytest.fixture
def idea(territories):
    consultation = ops.create_consultation({"fr": "Le square"}, territories["sanitas"])
    resident = ops.new_participant(consultation, Origin.kiosk)
    idea = ops.propose_idea(consultation, resident, title="Des bancs",
                            body="Il faudrait des bancs. Mon voisin Karim Haddad est d'accord.")
    db.session.commit()
    return idea


def test_stored_in_french_and_shown_in_the_page_language(client, idea):
    assert idea.body == "Il faudrait des bancs. Mon voisin [nom] est d'accord."
    assert "Mon voisin [nom] est" in client.get(f"/consultations/idees/{idea.id}?lang=fr").text
    assert "Mon voisin [name] est" in client.get(f"/consultations/idees/{idea.id}?lang=en").text
    arabic = client.get(f"/consultations/idees/{idea.id}?lang=ar").text
    assert "Mon voisin [اسم] est" in arabic and "[nom]" not in arabic
    db.session.refresh(idea)
    assert "[nom]" in idea.body  # displaying never changes what is stored


@pytest.mark.parametrize("lang, shown", [("fr", "[téléphone]"), ("en", "[phone]"), ("ar", "[هاتف]")])
def test_readable_filter_and_bdi(app, lang, shown):
    with app.test_request_context(f"/?lang={lang}"):
        assert readable("appelez le [téléphone]") == f"appelez le {shown}"
        assert placeholders(Markup("<b>[téléphone]</b>")) == Markup(f"<b>{shown}</b>")
        assert shown in bdi("au [téléphone]")
        # Form fields are markup: an edited text goes back with its stored placeholders.
        assert readable(Markup('<textarea>[téléphone]</textarea>')) == '<textarea>[téléphone]</textarea>'
        assert readable(None) is None and readable(3) == 3


def test_labels_never_carry_markup(app):
    with app.test_request_context("/?lang=en"):
        assert placeholders(Markup("[nom] <i>x</i>")) == Markup("[name] <i>x</i>")


def test_translated_labels_pasted_back_are_stored_in_the_stable_form():
    assert scrub("Merci à [name] et [اسم], appelez le [phone]") == "Merci à [nom] et [nom], appelez le [téléphone]"
    for text in ("[health] [account] [number]", "[صحة] [حساب] [رقم] [تاريخ الميلاد]"):
        once = scrub(text)
        assert set(once.replace("] [", "]|[").split("|")) <= set(PLACEHOLDERS)
        assert scrub(once) == once


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_catalogues_and_the_scrubber_agree(lang):
    """Every translated label is read back by the scrubber (else a pasted-back label would be
    stored in another form), and the French one is exactly the stored placeholder."""
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalogue = read_po(f)
    for stored, label in LABELS.items():
        entry = catalogue.get(label._args[0])
        assert entry is not None and entry.string and not entry.fuzzy, (lang, label)
        if lang == "fr":
            assert entry.string == stored
        else:
            assert entry.string == stored or SHOWN_AS.get(entry.string) == stored, (lang, entry.string)

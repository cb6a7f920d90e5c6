"""Every page, as residents and staff see it: language, direction, headers, no 500."""
import re

import pytest

from tests.conftest import serving

LANGUAGES = {"fr": "ltr", "en": "ltr", "ar": "rtl"}


@pytest.fixture
def every_page(client, auth, make_user, make_wave, territories):
    wave = make_wave()
    auth.login(make_user("admin", (), email="admin@example.org"))
    client.post("/kiosk/enregistrer", data={"place": "EPN", "territory": territories["sanitas"].id})
    q = wave.questionnaire_id
    c = _consultation_with_a_question(territories)
    return [
        f"/consultations/{c.id}", f"/consultations/{c.id}/questions", f"/animation/consultations/{c.id}",
        "/", "/connexion", "/kiosk/", "/kiosk/merci", f"/kiosk/enquete/{wave.id}", f"/enquete/{wave.id}",
        "/enquete/merci", "/animation/enquetes/", "/animation/enquetes/nouveau", f"/animation/enquetes/{q}",
        f"/animation/enquetes/{q}/apercu", f"/animation/enquetes/{q}/questions/nouvelle",
        f"/animation/enquetes/{q}/questions/{wave.version.questions[0].id}", f"/animation/enquetes/vagues/{wave.id}",
        "/kiosk/appareils", "/kiosk/enregistrer", "/admin/territoires/",
        f"/admin/territoires/{territories['sanitas'].id}", "/page-qui-n-existe-pas",
    ]


def _consultation_with_a_question(territories):
    import uuid

    from deliberation import operations as ops
    from deliberation.models import Origin
    from voix.extensions import db
    from voix.institutions.models import Institution, InstitutionCode

    c = ops.create_consultation({"fr": "Le square", "ar": "الحديقة"}, territories["sanitas"])
    mairie = Institution(code=InstitutionCode.mairie, name="Mairie de Tours", territory=territories["tours"])
    db.session.add(mairie)
    db.session.flush()
    question, _ = ops.ask_question(c, ops.new_participant(c, Origin.kiosk), mairie.id, "Quand ?", uuid=str(uuid.uuid4()))
    ops.answer_question(question, None, "En mai.", uuid=str(uuid.uuid4()))
    return c


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_has_lang_and_dir(client, every_page, language):
    for url in every_page:
        response = client.get(url, query_string={"lang": language})
        assert response.status_code == (404 if url == "/page-qui-n-existe-pas" else 200), url
        html = response.text
        assert f'<html lang="{language}" dir="{LANGUAGES[language]}">' in html, url
        # A link to every language, each named in its own script.
        assert 'hreflang="ar"' in html and "العربية" in html, url


def test_language_links_keep_the_query_string(client):
    page = client.get("/connexion?next=/animation/enquetes/")
    assert 'href="/connexion?next=/animation/enquetes/&amp;lang=ar"' in page.text


def test_pages_never_use_inline_script_and_send_a_csp(client, every_page):
    for url in every_page:
        response = client.get(url)
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert not re.search(r"<script(?![^>]*\bsrc=)", response.text), url
        assert not re.search(r"\son[a-z]+=", response.text), url  # no inline event handlers


def test_answer_pages_are_not_cached(client, every_page):
    for url in every_page:
        if "enquete" in url or url.startswith("/kiosk") or url.startswith("/animation"):
            assert client.get(url).headers.get("Cache-Control") == "no-store", url


def test_an_unexpected_error_is_a_page_in_the_users_language(app, database_url):
    with serving(database_url, PROPAGATE_EXCEPTIONS=False) as client:
        def boom():
            raise RuntimeError("bug")

        client.application.add_url_rule("/boom", view_func=boom)
        response = client.get("/boom?lang=ar")
        assert response.status_code == 500
        assert 'dir="rtl"' in response.text
        api = client.get("/api/v1/waves/999")
        assert api.status_code == 404 and api.get_json()["error"] == 404

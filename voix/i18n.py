"""Language of the interface and of questionnaire content.

The language comes from `?lang=xx` (remembered in the session), else the browser's
preference, else French. Arabic pages are right-to-left.

Content (a questionnaire's texts) may be in a language the interface has no catalogue for,
e.g. Turkish: a survey page then sets `g.content_language = "tr"` and renders its chrome in
French (the page's `lang`); `localized` picks the Turkish texts, `lang_attribute` marks them.
"""
from flask import current_app, g, has_request_context, request, session, url_for
from flask_babel import get_locale
from markupsafe import Markup


def available_languages() -> dict:
    return current_app.config["LANGUAGES"]


def select_locale() -> str:
    if not has_request_context():  # CLI commands and background work speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = available_languages()
    asked = request.args.get("lang")
    if asked in languages:
        session["lang"] = asked
        session.pop("content_lang", None)  # a catalogue language chosen: content follows it
        return asked
    if session.get("lang") in languages:
        return session["lang"]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale())


def content_language() -> str:
    """The language questionnaire texts are shown in: the page's, unless a survey page chose
    one of the questionnaire's languages without a catalogue (surveys/views.py)."""
    return (g.get("content_language") if has_request_context() else None) or current_language()


def text_direction(language: str | None = None) -> str:
    language = language or current_language()
    return available_languages().get(language, ("", "ltr"))[1]


def localized(texts: dict | None, language: str | None = None, fallback: str = "fr") -> str:
    """Pick the text for `language` from a {lang: text} mapping, falling back sensibly."""
    if not texts:
        return ""
    language = language or content_language()
    return texts.get(language) or texts.get(fallback) or next(iter(texts.values()), "")


def localized_language(texts: dict | None, language: str | None = None, fallback: str = "fr") -> str | None:
    """The language of the text `localized` picks: an Arabic page may show a question in French."""
    language = language or content_language()
    if not texts or texts.get(language):
        return language
    if texts.get(fallback):
        return fallback
    return next(iter(texts), None)


def lang_attribute(language: str | None) -> Markup:
    """` lang="xx"` for content in another language than the page (WCAG 3.1.2), else nothing.

    Screen readers and read-aloud then pronounce a French idea on an Arabic page in French.
    """
    if not language or language == current_language():
        return Markup("")
    return Markup(' lang="%s"') % language


def language_url(language: str) -> str:
    """This page in another language, keeping its query string (e.g. ?next= on the login page)."""
    if request.url_rule is None or "GET" not in request.url_rule.methods:
        return url_for("home.index", lang=language)
    arguments = {**request.args.to_dict(), **(request.view_args or {}), "lang": language}
    return url_for(request.endpoint, **arguments)


def template_context() -> dict:
    language = current_language()
    return {
        "locale": language,
        "text_dir": text_direction(language),
        "languages": available_languages(),
        "localized": localized,
        "language_url": language_url,
        "localized_language": localized_language,
        "content_locale": content_language(),
        "lang_attribute": lang_attribute,
    }

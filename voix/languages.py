"""Language codes of content: a questionnaire may be written in any language (BCP 47:
`tr`, `pt-BR`, `wo`, `zgh`...), while the interface has catalogues for a few only
(config LANGUAGES). Names, codes and directions come from babel's CLDR data, never from a
hand-written table.
"""
import re
from functools import lru_cache

from babel import Locale, UnknownLocaleError, localedata

CODE_MAX = 10  # Response.language is a String(10)
_CODE_IN_PARENTHESES = re.compile(r"\(\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)\s*\)\s*$")
_CODE_SHAPE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
# The interface's own languages: a regional variant (fr-CA, en-GB) is read as the language
# itself, so that French stays the one required text and a catalogue applies.
_COLLAPSED = ("fr", "en", "ar")


def _locale(code):
    try:
        return Locale.parse(str(code).replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return None


@lru_cache(maxsize=1)
def _english_names() -> dict:
    return Locale("en").languages


@lru_cache(maxsize=1)
def _names_index() -> dict:
    """Language names in English and French, lowercased -> code."""
    index = {}
    for locale in (Locale("fr"), Locale("en")):  # English wins on a clash
        for code, name in locale.languages.items():
            index[name.lower()] = code
    return index


@lru_cache(maxsize=1)
def _autonyms() -> dict:
    """Each language's name in itself ('türkçe' -> tr). Loading every locale takes ~3 s: done
    once per process, and only for a name the English and French lists do not know."""
    index = {}
    for identifier in localedata.locale_identifiers():
        if "_" in identifier:
            continue
        # Through Locale (merged data): localedata.load(merge_inherited=False) would leave an
        # incomplete entry in babel's cache, and later Locale('tr').text_direction would fail.
        name = Locale.parse(identifier).languages.get(identifier)
        if name:
            index.setdefault(name.lower(), identifier)
    return index


def normalize_code(code) -> str | None:
    """'pt_BR' -> 'pt-BR', 'FR-ca' -> 'fr', 'ber' -> 'ber'; not a language code -> None."""
    code = str(code or "").strip()
    if not _CODE_SHAPE.match(code):
        return None
    base = re.split(r"[-_]", code)[0].lower()
    if base in _COLLAPSED:
        return base
    locale = _locale(code)
    if locale is not None:
        tag = "-".join(part for part in (locale.language, locale.script, locale.territory) if part)
        return tag if len(tag) <= CODE_MAX else locale.language
    if base in _english_names() or _locale(base) is not None:  # 'de-informal' (LimeSurvey)
        return base
    if re.fullmatch(r"[a-z]{2,3}", code):  # an ISO 639 code CLDR has no data for, e.g. ber (Berber)
        return code
    return None


def language_code(tag) -> str | None:
    """A column or file's language tag as a code: 'Türkçe (tr)', 'turkish', 'Türkçe', 'pt-BR',
    'Français' -> 'tr', 'tr', 'tr', 'pt-BR', 'fr'; unknown -> None."""
    tag = str(tag or "").strip()
    if not tag:
        return None
    match = _CODE_IN_PARENTHESES.search(tag)
    if match:
        return normalize_code(match.group(1))
    code = normalize_code(tag)
    if code is not None:
        return code
    lowered = " ".join(tag.lower().replace("_", " ").split())
    found = _names_index().get(lowered) or _autonyms().get(lowered)
    return normalize_code(found) if found else None


def text_direction_of(code) -> str:
    """'ar', 'ur', 'ckb' -> 'rtl'; others (and unknown codes) -> 'ltr'."""
    locale = _locale(code) or _locale(str(code or "").split("-")[0])
    return locale.text_direction if locale is not None else "ltr"


def language_name(code, in_language=None) -> str:
    """'tr' -> 'Türkçe' (its own name), or its name in `in_language`; the code if unknown."""
    locale = _locale(code)
    if locale is not None:
        name = locale.get_display_name(in_language or locale)
        if name:
            return name[:1].upper() + name[1:]
    return _english_names().get(str(code), str(code))


def ordered_languages(codes) -> list:
    """French (the platform's language) first, then the others in the order given, once each."""
    seen = []
    for code in codes:
        if code and code not in seen:
            seen.append(code)
    return sorted(seen, key=lambda code: code != "fr")


def known_languages(in_language) -> list:
    """[(code, name in `in_language`)] of every language CLDR has data for, by name: the
    choices of a language picker."""
    names = Locale.parse(in_language).languages
    codes = {identifier for identifier in localedata.locale_identifiers() if "_" not in identifier}
    found = [(code, names[code]) for code in codes if code in names and code != "root"]
    return sorted(found, key=lambda pair: pair[1].lower())

"""The translation catalogues cover every user-facing string, and are compiled.

No Flask app needed: the messages are re-extracted from the source exactly as the
documented command does (`pybabel extract -F babel.cfg -k _l -k lazy_gettext ...`), then
compared with translations/<lang>/LC_MESSAGES/messages.po and its compiled messages.mo.

When a test here fails:
    pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot \
        --sort-output --no-wrap --project "Voix des quartiers" voix surveys
    pybabel update --no-wrap -i translations/messages.pot -d translations
    (translate the new or fuzzy entries)
    pybabel compile -d translations
"""
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import PYTHON_FORMAT
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
LANGUAGES = ["fr", "en", "ar"]
SOURCE_DIRS = [name for name in ("voix", "surveys", "deliberation", "insights") if (ROOT / name).is_dir()]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The catalogue template freshly extracted from the source."""
    pot = tmp_path_factory.mktemp("catalogues") / "messages.pot"
    command = [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
               "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "--no-wrap", *SOURCE_DIRS]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"pybabel extract failed:\n{result.stderr}"
    with pot.open("rb") as f:
        catalog = read_po(f)
    assert len(catalog) > 0, "no message extracted: is babel.cfg still matching the source?"
    return catalog


def load_po(lang):
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=lang)


def placeholders(text):
    """The %-placeholders of a python-format string, e.g. {('n', 's'): 1}; `%%` is not one."""
    return Counter((name, conversion) for name, _, conversion in PYTHON_FORMAT.findall(text)
                   if conversion != "%")


def described(msgid):
    return " | ".join(msgid) if isinstance(msgid, tuple) else msgid


def test_sources_are_found():
    assert {"voix", "surveys"} <= set(SOURCE_DIRS)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_extracted_message_is_translated(extracted, lang):
    catalog = load_po(lang)
    missing, fuzzy = [], []
    for message in extracted:
        if not message.id:
            continue
        translated = catalog.get(message.id)
        strings = translated.string if translated else None
        if isinstance(strings, str):
            strings = (strings,)
        if not translated or not strings or not all(s.strip() for s in strings):
            missing.append(described(message.id))
        elif translated.fuzzy:
            fuzzy.append(described(message.id))
        elif isinstance(message.id, tuple) and len(strings) != catalog.num_plurals:
            missing.append(f"{described(message.id)} (needs {catalog.num_plurals} plural forms)")
    assert not missing, f"{lang}: {len(missing)} message(s) not translated:\n" + "\n".join(missing)
    assert not fuzzy, f"{lang}: {len(fuzzy)} fuzzy message(s) to review:\n" + "\n".join(fuzzy)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_fuzzy_entry_left(lang):
    fuzzy = [described(m.id) for m in load_po(lang) if m.id and m.fuzzy]
    assert not fuzzy, f"{lang}: fuzzy entries are ignored at compile time:\n" + "\n".join(fuzzy)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_are_kept(lang):
    wrong = []
    for message in load_po(lang):
        if not message.id or not message.python_format:
            continue
        if isinstance(message.id, tuple):
            expected = placeholders(message.id[0]) | placeholders(message.id[1])
            strings = [s for s in message.string if s]
            # Some plural forms may leave the number out (e.g. Arabic dual), but none may
            # ask for a value the code does not give, and the general form keeps them all.
            bad = [s for s in strings if set(placeholders(s)) - set(expected)]
            if strings and set(placeholders(strings[-1])) != set(expected):
                bad.append(strings[-1])
        else:
            expected = placeholders(message.id)
            bad = [message.string] if message.string and placeholders(message.string) != expected else []
        for string in bad:
            wrong.append(f"{described(message.id)!r} -> {string!r} "
                         f"(expected {sorted(expected)}, got {sorted(placeholders(string))})")
    assert not wrong, f"{lang}: placeholders differ from the source:\n" + "\n".join(wrong)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogue_is_up_to_date(lang):
    mo_path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo"
    assert mo_path.exists(), f"{mo_path.relative_to(ROOT)} is missing: run `pybabel compile -d translations`"
    with mo_path.open("rb") as f:
        compiled = read_mo(f)

    def messages(catalog, skip_fuzzy):
        # Plural messages: read_po gives tuples, read_mo lists.
        def key(value):
            return tuple(value) if isinstance(value, (list, tuple)) else value

        return {key(m.id): key(m.string) for m in catalog if m.id and m.string and not (skip_fuzzy and m.fuzzy)}

    source = messages(load_po(lang), skip_fuzzy=True)
    binary = messages(compiled, skip_fuzzy=False)
    stale = sorted(described(k) for k in source.keys() | binary.keys() if source.get(k) != binary.get(k))
    assert not stale, (f"{lang}: messages.mo differs from messages.po on {len(stale)} message(s); "
                       "run `pybabel compile -d translations`:\n" + "\n".join(stale))

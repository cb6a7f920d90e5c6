"""The one boundary for text and numbers that come from outside.

Every string of a request (JSON body, form fields, query string) goes through
`clean_string` before any view sees it: lone surrogates (which no encoder can write,
so one of them broke every export of a wave), control characters other than tab and
line breaks (PostgreSQL refuses NUL), bidirectional overrides and unpaired bidi
controls ("facture\u202egpj.exe" reads "facture…exe.jpg") are removed, then the text
is put in Unicode NFC form. JSON bodies are also decoded as strict UTF-8 and bounded
in nesting depth (a 5,000-deep array was a RecursionError) and in size.

Integers from outside go through `bounded_int` / `outside_id`: a database integer
column holds 32 bits, and Python's int is unbounded (2**64 was an OverflowError).
`request.form.get(key, type=int)` and `request.args.get(key, type=int)` use it.
"""
import dataclasses
import json
import math
import re
import unicodedata

from flask import Request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from .extensions import db

INT32_MAX = 2**31 - 1
MAX_JSON_DEPTH = 32
MAX_JSON_BYTES = 256 * 1024  # answers, votes and ideas are a few kilobytes

# C0 and C1 controls and DEL, except tab, line feed and carriage return; lone surrogates.
_UNWANTED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_OVERRIDES = "\u202d\u202e"  # LRO, RLO: they reverse what follows; nobody types them
_EMBEDDINGS = "\u202a\u202b"  # LRE, RLE, closed by PDF
_PDF = "\u202c"
_ISOLATES = "\u2066\u2067\u2068"  # LRI, RLI, FSI, closed by PDI
_PDI = "\u2069"
_BIDI = set(_OVERRIDES + _EMBEDDINGS + _PDF + _ISOLATES + _PDI)


def clean_string(text: str) -> str:
    """`text` without lone surrogates, control characters (but \\t \\n \\r) and stray bidi controls, in NFC."""
    if text.isascii() and text.isprintable():
        # Printable ASCII (JSON keys, codes, most answers): no control, surrogate or bidi
        # character, already NFC. Every string of every request comes here.
        return text
    text = _UNWANTED.sub("", text)
    if not _BIDI.isdisjoint(text):
        text = _paired_bidi_only(text)
    return unicodedata.normalize("NFC", text)


def without_stray_bidi_controls(text: str) -> str:
    """`text` without overrides and unclosed embeddings / isolates (itself when it has none)."""
    return _paired_bidi_only(text) if not _BIDI.isdisjoint(text) else text


def _paired_bidi_only(text: str) -> str:
    """Drop overrides, and embeddings / isolates that are not closed in the same line (or closers without an opener)."""
    kept = list(text)
    openers = []  # (index, kind) of the still open embeddings and isolates
    for index, char in enumerate(text):
        if char in _OVERRIDES:
            kept[index] = ""
        elif char in _EMBEDDINGS or char in _ISOLATES:
            openers.append((index, "isolate" if char in _ISOLATES else "embedding"))
        elif char == _PDF or char == _PDI:
            kind = "isolate" if char == _PDI else "embedding"
            if openers and openers[-1][1] == kind:
                openers.pop()
            else:
                kept[index] = ""
        elif char in "\n\r":  # a paragraph break ends every embedding
            for opener, _kind in openers:
                kept[opener] = ""
            openers = []
    for opener, _kind in openers:
        kept[opener] = ""
    return "".join(kept)


def bounded_int(value, low: int = -INT32_MAX, high: int = INT32_MAX) -> int | None:
    """An integer from outside, or None: a JSON int, or ASCII digits (with an optional minus), within [low, high].

    Not a bool, not a float, not "²" or "١" (str.isdigit accepts them, int() does not or reads them otherwise).
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text.startswith("-") else text
        if not (digits.isascii() and digits.isdecimal()) or len(digits) > 12:
            return None
        value = int(text)
    if not isinstance(value, int):
        return None
    return value if low <= value <= high else None


def outside_id(value) -> int | None:
    """A row id from outside (JSON or form), or None when it cannot be one."""
    return bounded_int(value, 1, INT32_MAX)


# Staff dates: a consultation or a wave happens in these years (year 1 or 9999 overflow date arithmetic).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def plausible_year(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def row_by_outside_id(model, value):
    """The row of `model` whose id came from outside, or None (never an overflow, never a NULL lookup)."""
    number = outside_id(value)
    return db.session.get(model, number) if number is not None else None


class CleanMultiDict(ImmutableMultiDict):
    """Form and query values, cleaned; `.get(key, type=int)` reads bounded integers only."""

    def __init__(self, mapping=None):
        super().__init__(mapping)
        for key in list(dict.keys(self)):  # every key is taken out and put back, so the order stays
            values = [clean_string(v) if isinstance(v, str) else v for v in dict.pop(self, key)]
            dict.setdefault(self, clean_string(key) if isinstance(key, str) else key, []).extend(values)

    def get(self, key, default=None, type=None):  # noqa: A002 (Werkzeug's name)
        if type is int:
            number = bounded_int(super().get(key))
            return default if number is None else number
        return super().get(key, default, type)


class HostileJSON(ValueError):
    """A JSON body we refuse to read; the message says why, in the user's language."""


class TooLargeJSON(HostileJSON):
    """Answered 413, like a body over MAX_CONTENT_LENGTH."""


def _refuse_constant(name):
    raise HostileJSON(_("Numbers must be finite (%(name)s is not).", name=name))


def _finite_float(text):
    number = float(text)
    if math.isinf(number):  # 1e999
        _refuse_constant(text)
    return number


# json.loads with options builds a decoder and its scanner on every call (about 10 us a
# body); this one is built once. It reads exactly as json.loads(data, **the same options).
_DECODER = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite_float)


class StrictJSONProvider(DefaultJSONProvider):
    """The app's JSON (app.json, which Flask gives each request to read its body): responses are
    written as by default; bodies are read as strict UTF-8, bounded in size and depth, every
    string and key cleaned."""

    def loads(self, data, **kwargs):
        if isinstance(data, (bytes, bytearray)):
            if len(data) > MAX_JSON_BYTES:
                raise TooLargeJSON(_("What you sent is too large."))
            try:
                data = bytes(data).decode("utf-8")
            except UnicodeDecodeError:
                raise HostileJSON(_("The body is not valid UTF-8 text.")) from None
        elif len(data) > MAX_JSON_BYTES:
            raise TooLargeJSON(_("What you sent is too large."))
        # Fewer openers than the limit, counting those inside strings: it cannot be too deep,
        # and a usual body is spared the two scans of _nesting_depth.
        if data.count("[") + data.count("{") > MAX_JSON_DEPTH and _nesting_depth(data) > MAX_JSON_DEPTH:
            raise HostileJSON(_("The JSON is nested too deeply (at most %(n)s levels).", n=MAX_JSON_DEPTH))
        try:
            if kwargs or data.startswith("\ufeff"):  # json.loads's own refusal of a BOM, its message
                value = json.loads(data, parse_constant=_refuse_constant, parse_float=_finite_float, **kwargs)
            else:
                value = _DECODER.decode(data)
        except RecursionError:
            raise HostileJSON(_("The JSON is nested too deeply (at most %(n)s levels).", n=MAX_JSON_DEPTH)) from None
        return _cleaned(value)


_STRING_LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


def _nesting_depth(text: str) -> int:
    """How deep the arrays and objects of a JSON text go, counted before parsing (no recursion)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRING_LITERAL.sub('""', text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _cleaned(value):
    # json gives exact types: dicts, lists, strings and scalars. Scalars are kept as they are
    # without a call, and a printable ASCII string (keys, codes) without clean_string's.
    kind = type(value)
    if kind is str:
        return value if value.isascii() and value.isprintable() else clean_string(value)
    if kind is dict:
        return {(key if type(key) is str and key.isascii() and key.isprintable() else _cleaned(key)):
                (item if type(item) in _JSON_SCALARS else _cleaned(item)) for key, item in value.items()}
    if kind is list:
        return [item if type(item) in _JSON_SCALARS else _cleaned(item) for item in value]
    if kind in _JSON_SCALARS:
        return value
    return _cleaned_any(value)


_JSON_SCALARS = frozenset({int, float, bool, type(None)})


def _cleaned_any(value):
    """_cleaned for any value: subclasses of str, list and dict, and tuples."""
    if isinstance(value, str):
        return clean_string(value)
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_cleaned(item) for item in value)
    if isinstance(value, dict):
        return {_cleaned(key): _cleaned(item) for key, item in value.items()}
    return value


def cleaned_strings(value):
    """`value` with every string in it (in lists, tuples, dicts and dataclasses) cleaned: for
    text read from an uploaded file, which does not come through the request's fields."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: cleaned_strings(getattr(value, f.name))
                                             for f in dataclasses.fields(value) if f.init})
    if isinstance(value, (list, tuple)):
        return type(value)(cleaned_strings(item) for item in value)
    if isinstance(value, dict):
        return {cleaned_strings(key): cleaned_strings(item) for key, item in value.items()}
    return clean_string(value) if isinstance(value, str) else value


class CleanRequest(Request):
    """The app's request class (voix/__init__.py): all outside text goes through `clean_string`."""

    parameter_storage_class = CleanMultiDict

    def on_json_loading_failed(self, e):
        if isinstance(e, TooLargeJSON):
            raise RequestEntityTooLarge(description=str(e))
        if isinstance(e, HostileJSON):
            raise BadRequest(description=str(e))
        if e is not None:
            raise BadRequest(description=_("The body is not valid JSON."))
        return super().on_json_loading_failed(e)


def _clean_url_values(_endpoint, values):
    """Strings taken from the URL path (<slug>, <code>) are outside text too."""
    for key, value in (values or {}).items():
        if isinstance(value, str):
            values[key] = clean_string(value)


def init_app(app):
    app.request_class = CleanRequest
    app.json = StrictJSONProvider(app)
    app.url_value_preprocessor(_clean_url_values)

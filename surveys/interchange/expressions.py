"""Relevance expressions of other tools -> our condition trees (surveys/conditions.py).

One small parser reads both dialects: XLSForm's XPath (`${q} = 'x' and selected(${q2},
'y')`, `not(...)`, `count-selected(${q}) > 0`) and LimeSurvey's ExpressionScript
(`Q1.NAOK == "A1" && !is_empty(Q2)`, `or`, `||`, `eq`, `gt`...). It builds a syntax tree,
never runs anything. What has no equivalent here (arithmetic, a question compared with
another, functions other than these) raises `Untranslatable` with the reason, and the
importer reports the original text.

The trees it returns still use the file's names (questions, options): the builder
(build.py) turns them into our codes and checks them like any condition.
"""
import re

from flask_babel import lazy_gettext as _l

from ..conditions import simplify


class Untranslatable(ValueError):
    """The reason is for the user; the importer adds the original expression."""


_TOKEN = re.compile(r"""
    \s*(?:
      (?P<ref>\$\{\s*[^}\s]+\s*\})
    | (?P<sgqa>\d+X\d+X\d+[\w]*(?:\.\w+)?)
    | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<number>\d+(?:\.\d+)?|\.\d+)
    | (?P<op>==|!=|<>|<=|>=|&&|\|\||[=<>!(),+*/-])
    | (?P<name>[A-Za-z_][\w.:-]*)
    )""", re.VERBOSE)
WORD_OPERATORS = {"and": "and", "or": "or", "eq": "=", "ne": "!=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=",
                  "div": "/", "mod": "%"}
SYMBOLS = {"==": "=", "=": "=", "!=": "!=", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">=",
           "&&": "and", "||": "or"}
FLIPPED = {"=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
MAX_LENGTH = 2000
MAX_NESTING = 40  # brackets and negations within each other: far beyond real forms, far below Python's stack


def _tokens(text):
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise Untranslatable(_l("this expression could not be read"))
        position = match.end()
        kind = match.lastgroup
        value = match.group(kind)
        # `and`, `or`, `gt`... are operators after an operand; elsewhere, names.
        if kind == "name" and value.lower() in WORD_OPERATORS and tokens and _is_operand(tokens[-1]):
            kind, value = "op", WORD_OPERATORS[value.lower()]
        elif kind == "op":
            value = SYMBOLS.get(value, value)
        elif kind == "string":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        elif kind == "ref":
            value = value[2:-1].strip()
        elif kind == "sgqa":  # LimeSurvey's survey-group-question names: 12345X6X78
            kind = "ref"
        tokens.append((kind, value))
    return tokens


def _is_operand(token) -> bool:
    return token[0] in ("ref", "sgqa", "string", "number", "name") or token == ("op", ")")


class _Parser:
    """Recursive descent: or < and < not < comparison < unary < primary."""

    def __init__(self, text):
        self.tokens, self.index, self.depth = _tokens(text), 0, 0

    def deeper(self):
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise Untranslatable(_l("this expression is too long"))

    def peek(self):
        return self.tokens[self.index] if self.index < len(self.tokens) else (None, None)

    def take(self, value=None):
        token = self.peek()
        if token[0] is None or (value is not None and token[1] != value):
            raise Untranslatable(_l("this expression could not be read"))
        self.index += 1
        return token

    def parse(self):
        node = self.disjunction()
        if self.index != len(self.tokens):
            raise Untranslatable(_l("this expression could not be read"))
        return node

    def _chain(self, op, lower):
        parts = [lower()]
        while self.peek() == ("op", op):
            self.take()
            parts.append(lower())
        return parts[0] if len(parts) == 1 else (op, parts)

    def disjunction(self):
        self.deeper()
        node = self._chain("or", self.conjunction)
        self.depth -= 1
        return node

    def conjunction(self):
        return self._chain("and", self.negation)

    def negation(self):
        if self.peek() == ("op", "!"):
            self.take()
            self.deeper()
            node = ("not", self.negation())
            self.depth -= 1
            return node
        return self.comparison()

    def comparison(self):
        left = self.arithmetic()
        kind, value = self.peek()
        if kind == "op" and value in FLIPPED:
            self.take()
            right = self.arithmetic()
            return ("cmp", value, left, right)
        return left

    def arithmetic(self):
        node = self.unary()
        while self.peek()[0] == "op" and self.peek()[1] in ("+", "-", "*", "/", "%"):
            self.take()
            self.unary()
            node = ("arithmetic",)
        return node

    def unary(self):
        if self.peek() == ("op", "-"):
            self.take()
            self.deeper()
            kind, value = self.peek()
            if kind == "number":
                self.take()
                return ("literal", -_number(value))
            self.unary()
            return ("arithmetic",)
        return self.primary()

    def primary(self):
        kind, value = self.take()
        if kind == "op" and value == "(":
            node = self.disjunction()
            self.take(")")
            return node
        if kind == "string":
            return ("literal", value)
        if kind == "number":
            return ("literal", _number(value))
        if kind == "ref":
            return ("ref", value)
        if kind == "name":
            if self.peek() == ("op", "("):
                self.take()
                args = []
                if self.peek() != ("op", ")"):
                    args.append(self.disjunction())
                    while self.peek() == ("op", ","):
                        self.take()
                        args.append(self.disjunction())
                self.take(")")
                return ("call", value.lower(), args)
            return ("ref", value)
        raise Untranslatable(_l("this expression could not be read"))


def _number(text):
    value = float(text)
    return int(value) if value.is_integer() else value


def parse(expression: str):
    if len(expression) > MAX_LENGTH:
        raise Untranslatable(_l("this expression is too long"))
    return _Parser(expression).parse()


# --- Syntax tree -> condition tree -------------------------------------------------------


class Row(str):
    """What `resolve` gives for a row of a matrix (LimeSurvey's `Q3_SQ001`) instead of an option."""


class Translator:
    """`resolve(reference)` gives (question name, option name or None) or None when the
    reference is not a question of the file (a variable, a token attribute...); the
    option may be a Row: the reference names one row of a matrix, tested on its own."""

    def __init__(self, resolve):
        self.resolve = resolve

    def __call__(self, expression: str):
        return simplify(self.node(parse(expression)))

    def node(self, syntax):
        kind = syntax[0]
        if kind in ("and", "or"):
            return {"op": kind, "args": [self.node(part) for part in syntax[1]]}
        if kind == "not":
            return {"op": "not", "args": [self.node(syntax[1])]}
        if kind == "call":
            return self.call(syntax[1], syntax[2])
        if kind == "cmp":
            return self.compare(*syntax[1:])
        if kind == "ref":  # a question alone: "it has an answer"
            return self.answered(syntax)
        if kind == "arithmetic":
            raise Untranslatable(_l("calculations in conditions cannot be imported"))
        raise Untranslatable(_l("a condition that is always true or always false cannot be imported"))

    def reference(self, syntax):
        if syntax[0] == "arithmetic":
            raise Untranslatable(_l("calculations in conditions cannot be imported"))
        if syntax[0] != "ref":
            raise Untranslatable(_l("only answers to questions can be tested"))
        target = self.resolve(syntax[1])
        if target is None:
            raise Untranslatable(_l("it refers to %(name)s, which is not a question of this file", name=syntax[1]))
        return target

    def answered(self, syntax):
        name, option = self.reference(syntax)
        if isinstance(option, Row):  # one row of a matrix: it has an answer
            return {"op": "answered", "question": name, "row": str(option)}
        if option is not None:  # a multiple choice's option on its own: it is chosen
            return {"op": "selected", "question": name, "value": option}
        return {"op": "answered", "question": name}

    def call(self, name, args):
        if name == "not" and len(args) == 1:
            return {"op": "not", "args": [self.node(args[0])]}
        if name == "is_empty" and len(args) == 1:
            return {"op": "not", "args": [self.answered(args[0])]}
        if name == "selected" and len(args) == 2 and args[1][0] == "literal":
            question, option = self.reference(args[0])
            if isinstance(option, Row):
                return {"op": "selected", "question": question, "row": str(option), "value": str(args[1][1])}
            if option is not None:
                raise Untranslatable(_l("this expression could not be read"))
            return {"op": "selected", "question": question, "value": str(args[1][1])}
        if name in ("true", "false") and not args:
            raise Untranslatable(_l("a condition that is always true or always false cannot be imported"))
        raise Untranslatable(_l("the function %(name)s() cannot be imported", name=name))

    def compare(self, op, left, right):
        left, right = _date_literal(left), _date_literal(right)
        if left[0] == "literal" and right[0] != "literal":
            op, left, right = FLIPPED[op], right, left
        if right[0] != "literal":
            if left[0] == "ref" and right[0] == "ref":
                raise Untranslatable(_l("comparing two answers with each other cannot be imported"))
            raise Untranslatable(_l("this expression could not be read"))
        value = right[1]
        if left[0] == "call" and left[1] in ("count-selected", "string-length", "strlen", "count") \
                and len(left[2]) == 1 and isinstance(value, (int, float)):
            return self._counted(op, left[2][0], value)
        name, option = self.reference(left)
        if isinstance(option, Row):  # LimeSurvey: Q3_SQ001 == 4 tests that row's answer
            if value == "" and op in ("=", "!="):
                answered = {"op": "answered", "question": name, "row": str(option)}
                return answered if op == "!=" else {"op": "not", "args": [answered]}
            return {"op": op, "question": name, "row": str(option), "value": value}
        if option is not None:  # LimeSurvey: Q_SQ == "Y" says the option is chosen
            chosen = str(value) in ("Y", "y", "1")
            if op not in ("=", "!=") or (str(value) != "" and not chosen):
                raise Untranslatable(_l("this expression could not be read"))
            selected = {"op": "selected", "question": name, "value": option}
            negate = (op == "=") != chosen  # == "" or != "Y": not chosen
            return {"op": "not", "args": [selected]} if negate else selected
        if value == "" and op in ("=", "!="):  # compared with nothing: (not) answered
            answered = {"op": "answered", "question": name}
            return answered if op == "!=" else {"op": "not", "args": [answered]}
        return {"op": op, "question": name, "value": value}

    def _counted(self, op, argument, count):
        """count-selected(${q}) > 0, string-length(${q}) >= 1...: answered or not."""
        def holds(n):
            return {"=": n == count, "!=": n != count, "<": n < count, "<=": n <= count,
                    ">": n > count, ">=": n >= count}[op]
        some = {holds(n) for n in range(1, int(abs(count)) + 3)}
        if len(some) != 1 or holds(0) in some:
            raise Untranslatable(_l("counting answers cannot be imported, except to test that there is one"))
        answered = self.answered(argument)
        return answered if some == {True} else {"op": "not", "args": [answered]}


def _date_literal(syntax):
    """XLSForm's date('2026-03-21') is the date itself."""
    if syntax[0] == "call" and syntax[1] == "date" and len(syntax[2]) == 1 and syntax[2][0][0] == "literal":
        return syntax[2][0]
    return syntax


def words_of(rows) -> str:
    """LimeSurvey 1.9x condition rows in ExpressionScript-like words, for the notes."""
    return " or ".join(" and ".join(f"{field} {method} \"{value}\"" for field, method, value in group)
                       for group in rows)

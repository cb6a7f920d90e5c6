"""docs/openapi.yaml must describe exactly the routes the app serves under /api/v1.

The routes are read with a small line-based parser (kept from before PyYAML was a test
dependency; the last test reads the whole file as YAML). It only
understands the layout the spec keeps: a top-level `paths:` block, path keys indented by
2 spaces, method keys by 4, an operation's `responses:` by 6 and status codes by 8.
"""
import re
from pathlib import Path

SPEC = Path(__file__).resolve().parent.parent / "docs" / "openapi.yaml"
API_PREFIX = "/api/v1"
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _lines(text):
    """(indent, stripped key line) for each meaningful line; comments and blanks skipped."""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        yield len(line) - len(line.lstrip(" ")), stripped


def _key(stripped):
    """The mapping key of a `key:` line (quotes removed), or None for other lines."""
    match = re.match(r"""^(["']?)([^"']+?)\1:(\s|$)""", stripped)
    return match.group(2) if match else None


def documented(text):
    """{(METHOD, path): {status codes}} for every operation under `paths:`."""
    operations = {}
    in_paths = False
    path = operation = None
    in_responses = False
    for indent, stripped in _lines(text):
        key = _key(stripped)
        if indent == 0:
            in_paths, path, operation = key == "paths", None, None
            continue
        if not in_paths:
            continue
        if indent == 2:
            path, operation = (key if key and key.startswith("/") else None), None
        elif indent == 4 and path:
            operation = (key.upper(), path) if key in METHODS else None
            if operation:
                operations[operation] = set()
            in_responses = False
        elif indent == 6 and operation:
            in_responses = key == "responses"
        elif indent == 8 and operation and in_responses and key:
            operations[operation].add(key)
    return operations


def served(app):
    """{(METHOD, path)} the Flask app serves under /api/v1, paths written as in OpenAPI."""
    pairs = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API_PREFIX + "/"):
            continue
        path = re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", rule.rule[len(API_PREFIX):])
        pairs.update((method, path) for method in rule.methods - IGNORED_METHODS)
    return pairs


def test_parser_reads_the_layout_it_expects():
    text = (
        "openapi: 3.1.0\n"
        "paths:\n"
        "  /things/{id}:\n"
        "    parameters: []\n"
        "    get:\n"
        "      description: |\n"
        "        text: not a key\n"
        "      responses:\n"
        '        "200":\n'
        "          description: ok\n"
        "        '404': {$ref: x}\n"
        "    post:\n"
        "      responses:\n"
        "        default: {}\n"
        "components:\n"
        "  /not-a-path:\n"
        "    get: {}\n"
    )
    assert documented(text) == {("GET", "/things/{id}"): {"200", "404"}, ("POST", "/things/{id}"): {"default"}}


def test_spec_is_served_under_the_api_prefix():
    assert re.search(rf"^servers:\n  - url: {re.escape(API_PREFIX)}$", SPEC.read_text(encoding="utf-8"), re.M)


def test_every_api_route_is_documented_and_nothing_else(app):
    in_spec = set(documented(SPEC.read_text(encoding="utf-8")))
    in_app = served(app)
    assert in_app, "no route under /api/v1: the API blueprint is not registered"
    assert in_app - in_spec == set(), "routes missing from docs/openapi.yaml"
    assert in_spec - in_app == set(), "docs/openapi.yaml documents routes the app does not serve"


def test_submission_documents_idempotency_and_refusals():
    codes = documented(SPEC.read_text(encoding="utf-8"))[("POST", "/waves/{wave_id}/responses")]
    assert {"200", "201", "400", "404", "409", "415", "422"} <= codes


def test_export_documents_authentication():
    codes = documented(SPEC.read_text(encoding="utf-8"))[("GET", "/waves/{wave_id}/export")]
    assert {"200", "400", "401", "403", "404"} <= codes


def test_spec_is_yaml_whose_references_all_resolve():
    """The line reader above sees only the layout; a YAML reader (as any client generator
    uses) must accept the whole file, and every `$ref` must name something in it."""
    import yaml

    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))

    def references(node):
        if isinstance(node, dict):
            for key, value in node.items():
                yield from [value] if key == "$ref" else references(value)
        elif isinstance(node, list):
            for item in node:
                yield from references(item)

    found = list(references(spec))
    assert found, "the spec has no $ref at all: the walk is broken"
    for ref in found:
        target = spec
        for part in ref.removeprefix("#/").split("/"):
            assert isinstance(target, dict) and part in target, f"{ref} does not resolve"
            target = target[part]

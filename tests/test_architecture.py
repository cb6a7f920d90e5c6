"""Features stand side by side: surveys/ and deliberation/ never import each other.

What both need lives in voix/; insights/ may read both. The check reads every import
statement (including those inside functions), so a late import cannot slip through.
"""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"surveys": "deliberation", "deliberation": "surveys"}


def imported_packages(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("feature", sorted(FORBIDDEN))
def test_features_never_import_each_other(feature):
    other = FORBIDDEN[feature]
    files = sorted((ROOT / feature).rglob("*.py"))
    assert files, f"no Python file found under {feature}/"
    offenders = [str(path.relative_to(ROOT)) for path in files if other in imported_packages(path)]
    assert offenders == [], f"{feature}/ imports {other}/ in {offenders}; move what both need to voix/"


def test_the_check_sees_late_imports(tmp_path):
    sample = tmp_path / "late.py"
    sample.write_text("def f():\n    from surveys.operations import x\n    import deliberation.models\n")
    assert imported_packages(sample) == {"surveys", "deliberation"}

"""The layers hold: the plain cores load without Flask, and the base layer (`commission/`)
imports no domain package at module level (only the app factory wires them in)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORES = (
    "claims.matching",
    "claims.domain",
    "adjudication.workflow",
    "adjudication.domain",
    "documents.render",
)
FLASK_FAMILY = ("flask", "werkzeug", "flask_babel", "flask_sqlalchemy", "flask_login", "flask_wtf")
DOMAIN_PACKAGES = {"claims", "adjudication", "documents", "training", "demo"}


def test_the_plain_cores_import_without_flask():
    script = (
        f"import sys; import {', '.join(CORES)}; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FLASK_FAMILY!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def _module_level_imports(tree: ast.Module):
    """Imports executed when the module loads: the top level, including `if`/`try` blocks,
    but not inside functions or classes."""
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
        elif isinstance(node, ast.If | ast.Try | ast.ExceptHandler | ast.With):
            if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
                continue
            pending.extend(ast.iter_child_nodes(node))


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "commission").rglob("*.py")),
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_the_base_layer_imports_no_domain_package_at_module_level(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    domain = sorted(
        module for module in _module_level_imports(tree) if module.split(".")[0] in DOMAIN_PACKAGES
    )
    assert domain == []

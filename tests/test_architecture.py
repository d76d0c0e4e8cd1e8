"""The layers of docs/architecture.md hold in the code itself: the import graph of ``frontdesk``
has no cycle, and no module takes a private name (``_x``) from a module of another package.

``lint-imports`` (pyproject.toml, run by the README's test command) checks that no layer imports
a higher one; these two rules are not import-linter contracts, so they are checked here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "frontdesk"


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("frontdesk", cache_dir=None)


def _cycle(graph: grimp.ImportGraph) -> list[str] | None:
    """One import cycle between modules of ``frontdesk`` (as a path that returns to its start), or
    None. Depth-first search with colours over the module graph."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        stack.append(module)
        for nxt in sorted(graph.find_modules_directly_imported_by(module)):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[module] = 2
        return None

    for module in sorted(graph.modules):
        if module not in state and (found := visit(module)):
            return found
    return None


def test_the_import_graph_has_no_cycle(graph):
    # A package's __init__ importing its own submodules is not a cycle through the package
    # (grimp records such imports on the submodule, not the package), so this is module to module.
    cycle = _cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_a_planted_cycle():
    planted = grimp.ImportGraph()
    for m in ("p.a", "p.b", "p.c"):
        planted.add_module(m)
    planted.add_import(importer="p.a", imported="p.b")
    planted.add_import(importer="p.b", imported="p.c")
    assert _cycle(planted) is None
    planted.add_import(importer="p.c", imported="p.a")
    assert _cycle(planted) == ["p.a", "p.b", "p.c", "p.a"]


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def private_imports(root: Path = PACKAGE) -> list[str]:
    """``from X import _name`` where X is a module of another package than the importer's."""
    out = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        importer = _module_name(path, root)
        package = importer if path.name == "__init__.py" else importer.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                not isinstance(node, ast.ImportFrom)
                or node.level
                or not (node.module or "").startswith("frontdesk")
            ):
                continue
            source_package = node.module.rpartition(".")[0]
            for alias in node.names:
                private = alias.name.startswith("_") and not alias.name.startswith("__")
                if private and source_package != package:
                    out.append(f"{importer} imports {node.module}.{alias.name}")
    return out


def test_no_private_name_crosses_a_package():
    assert private_imports() == []


def test_the_private_name_check_sees_one(tmp_path):
    pkg = tmp_path / "frontdesk"
    (pkg / "a").mkdir(parents=True)
    (pkg / "b").mkdir()
    (pkg / "a" / "x.py").write_text("def _helper(): pass\n")
    (pkg / "a" / "y.py").write_text("from frontdesk.a.x import _helper\n")  # same package: allowed
    (pkg / "b" / "z.py").write_text("from frontdesk.a.x import _helper\n")
    assert private_imports(pkg) == ["frontdesk.b.z imports frontdesk.a.x._helper"]

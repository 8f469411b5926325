"""The house's contracts: imports flow one way, no import cycles, every imported package declared.

The layer contract lives in ``pyproject.toml`` (``[tool.importlinter]``); these tests run it,
check that it can fail, and look for cycles between modules (import-linter only checks
layers between packages).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def test_layers_contract_holds():
    out = subprocess.run([str(BIN / "lint-imports")], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_layers_contract_fails_on_an_upward_import(tmp_path):
    """An import from the data layer into the dashboard must break the contract."""
    pkg = tmp_path / "src"
    import shutil

    shutil.copytree(ROOT / "src" / "pks", pkg / "pks", ignore=shutil.ignore_patterns("__pycache__"))
    (pkg / "pks" / "data" / "upward.py").write_text("import pks.dashboard.app\n")
    cfg = tmp_path / "pyproject.toml"
    cfg.write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8")
    out = subprocess.run(
        [str(BIN / "lint-imports"), str(cfg)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(pkg), "PATH": str(BIN)},
    )
    assert out.returncode != 0
    assert "pks.data.upward -> pks.dashboard.app" in out.stdout


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    m = stack.pop()
                    on_stack.discard(m)
                    comp.append(m)
                    if m == node:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def test_no_import_cycles_between_modules():
    graph = grimp.build_graph("pks", exclude_type_checking_imports=True)
    # a package's __init__ importing its own modules is not a cycle of the design
    for m in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(m)):
            if imported.startswith(m + "."):
                graph.remove_import(importer=m, imported=imported)
    assert _cycles(graph) == []


@pytest.mark.parametrize("tool", ["deptry"])
def test_dependencies_declared_directly(tool):
    args = {"deptry": ["deptry", "src"]}[tool]
    out = subprocess.run([str(BIN / args[0]), *args[1:]], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr

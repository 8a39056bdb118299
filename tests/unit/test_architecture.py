"""The layer rules of ARCHITECTURE section 1, enforced by import-linter."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_hold():
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    result = subprocess.run([exe, "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 4 kept, 0 broken" in result.stdout


def _engine_cycles() -> list[list[str]]:
    """Import cycles among engine modules (TYPE_CHECKING and function-level imports included)."""
    import grimp

    graph = grimp.build_graph("engine")
    modules = sorted(m for m in graph.modules if m.startswith("engine."))
    edges = {m: {n for n in graph.find_modules_directly_imported_by(m) if n in modules} for m in modules}
    cycles, state = [], {}

    def visit(m: str, path: list[str]) -> None:
        state[m] = "open"
        for n in sorted(edges[m]):
            if state.get(n) == "open":
                cycles.append(path[path.index(n):] + [n])
            elif n not in state:
                visit(n, path + [n])
        state[m] = "done"

    for m in modules:
        if m not in state:
            visit(m, [m])
    return cycles


def test_engine_modules_import_each_other_without_a_circle():
    assert _engine_cycles() == []


def test_no_private_name_is_used_across_engine_files():
    """``x._name`` on anything but ``self``/``cls`` would reach into another module's privates;
    SpiffWorkflow's own objects are excluded by name (their API has a few underscore fields)."""
    import ast

    offenders = []
    for path in sorted((ROOT / "engine").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        local = {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("engine"):
                offenders += [f"{path.name}: imports {a.name}" for a in node.names if a.name.startswith("_")]
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                    and isinstance(node.value, ast.Name) and node.value.id in ("engine", "runner")
                    and node.attr not in local):
                offenders.append(f"{path.name}:{node.lineno}: {node.value.id}.{node.attr}")
    assert offenders == []


def test_web_layer_never_commits():
    """Views and the CLI call engine services; only the services own transactions."""
    offenders = [f"{p.relative_to(ROOT)}:{n}" for p in sorted((ROOT / "webui").rglob("*.py"))
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if ".commit()" in line]
    assert offenders == []


def test_the_web_layer_reads_through_the_unit_of_works_reads_never_its_session():
    """Views, the CLI and the API ask ``uow.reads`` (``store.reads``); a session stays in the store."""
    import ast

    offenders = []
    for path in sorted((ROOT / "webui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and node.attr == "session" and isinstance(node.value, ast.Name)
                    and node.value.id in ("uow", "unit_of_work")):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_no_store_module_is_over_500_lines():
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "store").rglob("*.py")
            if "migrations" not in p.parts and (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert long == {}

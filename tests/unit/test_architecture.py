"""The layer rules (README, "Where things live"): import-linter's contracts in pyproject.toml, and no import cycle."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


OUR_PACKAGES = ("engine", "store", "webui", "processes")


def test_import_contracts_hold():
    import tomllib

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    result = subprocess.run([exe, "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(contracts)} kept, 0 broken" in result.stdout


def import_cycles(graph) -> list[list[str]]:
    """Each set of our modules that import one another in a circle (a strongly connected component).

    Every import counts: at module level, inside functions, and under ``TYPE_CHECKING``.
    """
    modules = sorted(graph.modules)
    edges = {m: sorted(n for n in graph.find_modules_directly_imported_by(m) if n in graph.modules) for m in modules}
    order: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's algorithm
        order[module] = lowest[module] = len(order)
        stack.append(module)
        for imported in edges[module]:
            if imported not in order:
                visit(imported)
                lowest[module] = min(lowest[module], lowest[imported])
            elif imported in stack:
                lowest[module] = min(lowest[module], order[imported])
        if lowest[module] == order[module]:
            component = []
            while not component or component[-1] != module:
                component.append(stack.pop())
            if len(component) > 1 or module in edges[module]:
                cycles.append(sorted(component))

    for module in modules:
        if module not in order:
            visit(module)
    return sorted(cycles)


def test_import_cycles_are_found_wherever_they_are():
    import grimp

    graph = grimp.ImportGraph()
    for module in ("a", "a.b", "a.c", "a.d", "e"):
        graph.add_module(module)
    graph.add_import(importer="a.b", imported="a.c")
    graph.add_import(importer="a.c", imported="a.b")
    graph.add_import(importer="a.d", imported="e")
    graph.add_import(importer="e", imported="a")
    graph.add_import(importer="a", imported="a.d")
    assert import_cycles(graph) == [["a", "a.d", "e"], ["a.b", "a.c"]]


def test_no_module_of_ours_imports_itself_through_a_circle():
    import grimp

    cycles = import_cycles(grimp.build_graph(*OUR_PACKAGES))
    assert cycles == [], "modules importing one another in a circle:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_no_private_name_is_used_across_engine_files():
    """``x._name`` on anything but ``self``/``cls`` would reach into another module's privates;
    SpiffWorkflow's own objects are excluded by name (their API has a few underscore fields)."""
    import ast

    offenders = []
    for path in sorted((ROOT / "engine").rglob("*.py")):
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

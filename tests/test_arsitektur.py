"""The house drawing (ARCHITECTURE.md): every module imports only from
its own floor or below, and no module imports itself round a cycle."""

import ast
from pathlib import Path

REGISTRY = Path(__file__).resolve().parent.parent / "registry"

# Floors, lowest first; a module sits on the floor of its longest prefix here.
FLOORS = [
    ["registry.identity", "registry.handles", "registry.pohon", "registry.sql", "registry.unggahan",
     "registry.transaksi"],
    ["registry.cakupan", "registry.riwayat", "registry.sheets", "registry.arsip"],
    ["registry.models"],
    ["registry.kunci"],
    ["registry.kepatuhan", "registry.sebaran"],
    ["registry.verifikasi", "registry.kemajuan", "registry.pencarian", "registry.aturan_sebar",
     "registry.angka_sebar"],
    ["registry.followers", "registry.kekurangan", "registry.filters", "registry.impor", "registry.subjek",
     "registry.demo", "registry.posting", "registry.keaktifan"],
    ["registry.views"],
    ["registry.admin", "registry.templatetags"],
    ["registry.management", "registry.apps", "registry.migrations"],
]


def floor_of(module):
    matches = [(len(prefix), level) for level, prefixes in enumerate(FLOORS) for prefix in prefixes
               if module == prefix or module.startswith(prefix + ".")]
    assert matches, f"{module} has no floor in tests/test_arsitektur.py: give it one (and ARCHITECTURE.md a line)"
    return max(matches)[1]


def modules():
    for path in REGISTRY.rglob("*.py"):
        parts = path.relative_to(REGISTRY.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if name != "registry":  # the app's package: empty
            yield name, path


def imports_of(name, path):
    """The registry modules ``name`` imports, at any depth of its code."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            continue
        found.update(t for t in targets if t.startswith("registry"))
    known = dict(modules())
    return {t for t in found if t in known and t != name}


def test_imports_only_go_down():
    upward = []
    for name, path in modules():
        for target in imports_of(name, path):
            if floor_of(target) > floor_of(name):
                upward.append(f"{name} (floor {floor_of(name)}) imports {target} (floor {floor_of(target)})")
    assert not upward, "\n".join(upward)


def test_no_module_imports_itself_round_a_cycle():
    graph = {name: imports_of(name, path) for name, path in modules()}
    # Importing a package imports its __init__, which names its modules: that is not a cycle.
    for name in graph:
        graph[name] = {t for t in graph[name] if not name.startswith(t + ".")}
    state, cycles = {}, []

    def visit(node, trail):
        state[node] = "open"
        for target in graph.get(node, ()):
            if state.get(target) == "open":
                cycles.append(" → ".join(trail[trail.index(target):] + [target]))
            elif target not in state:
                visit(target, trail + [target])
        state[node] = "done"

    for node in graph:
        if node not in state:
            visit(node, [node])
    assert not cycles, "\n".join(cycles)

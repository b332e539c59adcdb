#!/usr/bin/env python
"""Find import cycles between the files of our apps.

Builds the module graph from the imports each file makes when it is loaded (module level, in
classes, under if/try/with; not under ``if TYPE_CHECKING``), and prints every strongly connected
component of more than one module. ``--all`` adds the imports made inside functions too: a
function-level import that closes a cycle is a cycle dodged, not removed (docs/DESIGN.md, "No
import cycles between files; no imports inside functions to dodge one"); AppConfig.ready()
imports are left out even then, as they run once every module is loaded.

Exits 1 if there is a cycle. Migrations, tests and bench are not scanned.

Usage: python scripts/check_import_cycles.py [--all] [ROOT]
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGES = ("core", "itsm", "accounts", "notifications", "sla", "tickets", "assets", "surveys",
            "kpi", "knowledge", "portal", "demo")
SKIP_DIRS = frozenset({"migrations", "tests", "bench", "__pycache__"})


def modules_of(root: Path) -> dict[str, Path]:
    modules = {}
    for top in PACKAGES:
        if not (root / top).is_dir():
            continue
        for path in (root / top).rglob("*.py"):
            rel = path.relative_to(root)
            if SKIP_DIRS.intersection(rel.parts):
                continue
            parts = list(rel.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _type_checking(test: ast.expr) -> bool:
    return ((isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
            or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def imported_names(tree: ast.Module, module: str, is_package: bool, *, inside_functions: bool):
    """Dotted names the file imports (`from a.b import c` gives a.b.c)."""
    names: list[str] = []
    package = module.split(".") if is_package else module.split(".")[:-1]

    def walk(body, in_class=False):
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if inside_functions and not (in_class and node.name == "ready"):
                    walk(node.body)
            elif isinstance(node, ast.ClassDef):
                walk(node.body, in_class=True)
            elif isinstance(node, ast.If):
                if not _type_checking(node.test):
                    walk(node.body)
                walk(node.orelse)
            elif isinstance(node, ast.Try):
                walk(node.body)
                walk(node.orelse)
                walk(node.finalbody)
                for handler in node.handlers:
                    walk(handler.body)
            elif isinstance(node, (ast.With, ast.For, ast.While)):
                walk(node.body)
            elif isinstance(node, ast.Import):
                names.extend(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[: len(package) - node.level + 1]
                    source = ".".join([*base, node.module] if node.module else base)
                else:
                    source = node.module or ""
                # a.b.c when c is a module, else a.b itself (resolved to the longest module).
                names.extend(f"{source}.{alias.name}" for alias in node.names)

    walk(tree.body)
    return names


def graph_of(root: Path, *, inside_functions: bool) -> dict[str, set[str]]:
    modules = modules_of(root)

    def resolve(name: str) -> str | None:
        parts = name.split(".")
        while parts:
            if ".".join(parts) in modules:
                return ".".join(parts)
            parts.pop()
        return None

    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        deps: set[str] = set()
        for name in imported_names(tree, module, path.name == "__init__.py",
                                   inside_functions=inside_functions):
            target = resolve(name)
            if target is None:
                continue
            if target != module:
                deps.add(target)
            # Importing a.b.c loads the packages a and a.b first (already loading when they are
            # this module's own parents, so no edge to those).
            parts = target.split(".")
            for i in range(1, len(parts)):
                dep = ".".join(parts[:i])
                if dep in modules and dep != module and not module.startswith(dep + "."):
                    deps.add(dep)
        graph[module] = deps
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def main(argv: list[str]) -> int:
    inside_functions = "--all" in argv[1:]
    args = [a for a in argv[1:] if a != "--all"]
    root = Path(args[0]) if args else Path(__file__).resolve().parent.parent
    graph = graph_of(root.resolve(), inside_functions=inside_functions)
    found = cycles(graph)
    for component in found:
        print("cycle: " + ", ".join(component))
        for module in component:
            print(f"    {module} -> {', '.join(sorted(graph[module] & set(component)))}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python
"""List imports of our own packages made inside a function or method.

The layering rule (docs/DESIGN.md, "Which app may import which") says no import
cycles between files and no imports inside functions to dodge one. A
function-level import of one of our apps is allowed only when its line carries a
trailing ``#`` comment saying why (e.g. ``AppConfig.ready()`` wiring signals).

Prints ``path:line: import ...`` for every such import without a comment and
exits 1 if there is any. Migrations, tests and bench are not scanned.

Usage: python scripts/check_local_imports.py [ROOT]
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
from pathlib import Path

# Our own top-level packages: an import of any of these inside a function is checked.
OUR_PACKAGES = frozenset(
    {
        "core",
        "itsm",
        "accounts",
        "notifications",
        "sla",
        "tickets",
        "assets",
        "surveys",
        "kpi",
        "knowledge",
        "portal",
        "demo",
        "sso",
    }
)
# Directories (by name, anywhere in the path) that are not scanned.
SKIP_DIRS = frozenset({"migrations", "tests", "bench", "__pycache__", ".venv", "node_modules"})


def _imported_modules(node: ast.Import | ast.ImportFrom, package: str) -> list[str]:
    """Absolute dotted names the import statement refers to (relative ones resolved)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = package.split(".")
        base = base[: len(base) - node.level + 1]
        return [".".join([*base, node.module] if node.module else base)]
    return [node.module or ""]


def _is_ours(module: str) -> bool:
    return module.split(".", 1)[0] in OUR_PACKAGES


# Tool directives are not a reason: "# noqa: F401" alone does not say why.
_DIRECTIVES = re.compile(r"noqa(:\s*[A-Z]+[0-9]+(\s*,\s*[A-Z]+[0-9]+)*)?|type:\s*ignore(\[[^]]*\])?"
                         r"|pragma:\s*no\s*cover", re.IGNORECASE)


def _comment_lines(source: str) -> set[int]:
    """Line numbers carrying a ``#`` comment that says something (a real comment token, not a
    '#' in a string, and more than a noqa or type-ignore directive)."""
    lines: set[int] = set()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT and re.search(r"\w", _DIRECTIVES.sub("", tok.string)):
                lines.add(tok.start[0])
    except (tokenize.TokenError, IndentationError):
        pass
    return lines


class _Finder(ast.NodeVisitor):
    def __init__(self, package: str) -> None:
        self.package = package
        self.depth = 0
        self.found: list[tuple[ast.Import | ast.ImportFrom, list[str]]] = []

    def _function(self, node: ast.AST) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function
    visit_Lambda = _function

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        if self.depth:
            ours = [m for m in _imported_modules(node, self.package) if _is_ours(m)]
            if ours:
                self.found.append((node, ours))

    visit_Import = _import
    visit_ImportFrom = _import


def scan_file(path: Path, root: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    rel = path.relative_to(root)
    parts = list(rel.with_suffix("").parts)
    # The package a relative import is resolved against (a package's __init__ is in itself).
    package = ".".join(parts[:-1])
    finder = _Finder(package)
    finder.visit(tree)
    commented = _comment_lines(source)
    problems = []
    for node, _modules in finder.found:
        # A multi-line import may carry its comment on the first or the last line.
        end = getattr(node, "end_lineno", node.lineno) or node.lineno
        if node.lineno in commented or end in commented:
            continue
        problems.append(f"{rel}:{node.lineno}: {ast.unparse(node)}  (inside a function, "
                        f"no '# why' comment)")
    return problems


def iter_files(root: Path):
    for top in sorted(OUR_PACKAGES):
        base = root / top
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*.py")):
            if SKIP_DIRS.intersection(path.relative_to(root).parts):
                continue
            yield path


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent
    root = root.resolve()
    problems = []
    for path in iter_files(root):
        problems.extend(scan_file(path, root))
    for line in problems:
        print(line)
    if problems:
        print(
            f"\n{len(problems)} function-level import(s) of our own apps without a comment. "
            "Hoist each to module level, or, if it must stay (AppConfig.ready(), a real cycle "
            "being broken elsewhere), add a trailing '# why' comment on its line.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

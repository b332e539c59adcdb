"""The environment variables the portal reads, found in its source: each call of an itsm/env.py
reader (env_str, env_int, …) whose first argument names the variable."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READERS = {"env_str", "env_bool", "env_int", "env_list", "env_timezone", "env_rate",
           "env_database", "env_choice", "env_json_object"}
# Where settings are read: the settings parts, gunicorn's settings, the project's commands.
SOURCES = ["itsm/settings/*.py", "itsm/env.py", "gunicorn.conf.py",
           "itsm/management/commands/*.py"]


def variables_read() -> dict[str, str]:
    """{variable: the file that reads it}; a reader called with a name that is not a string
    literal raises, so no variable escapes the checks built on this."""
    found = {}
    for pattern in SOURCES:
        for path in sorted(ROOT.glob(pattern)):
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id in READERS):
                    continue
                name = node.args[0] if node.args else None
                if isinstance(name, ast.Name) and path.name == "env.py":
                    continue  # the readers calling each other with their own argument
                if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
                    raise AssertionError(
                        f"{path.relative_to(ROOT)}:{node.lineno}: {node.func.id} without a "
                        "literal variable name")
                found.setdefault(name.value, str(path.relative_to(ROOT)))
    return found

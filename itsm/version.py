"""The portal's version: pyproject.toml's, read from the checkout the portal runs from (the
image copies it too), so it is right even before `pip install -e .` refreshed the metadata."""

import tomllib
from pathlib import Path

_PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"

with _PYPROJECT.open("rb") as _file:
    VERSION: str = tomllib.load(_file)["project"]["version"]

"""The lock files hold every dependency of pyproject.toml, at a version its range allows, with
hashes; the dev lock repeats the runtime pins (`make lock` constrains it by them)."""

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.deploy.servers import ROOT


def pins(name: str) -> dict[str, str]:
    text = (ROOT / name).read_text()
    found = {canonicalize_name(package): version
             for package, version in re.findall(r"^([A-Za-z0-9._-]+)==(\S+)", text, re.M)}
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
    unhashed = [block.split("==")[0] for block in blocks
                if "==" in block and "--hash=sha256:" not in block]
    assert unhashed == [], f"{name}: pins without hashes: {unhashed}"
    return found


def declared() -> tuple[list[Requirement], list[Requirement]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return ([Requirement(line) for line in project["dependencies"]],
            [Requirement(line) for line in project["optional-dependencies"]["dev"]])


def test_every_dependency_has_an_upper_bound_or_a_pin():
    runtime, dev = declared()
    unbounded = [str(r) for r in runtime + dev
                 if not any(spec.operator in {"<", "<=", "==", "~="} for spec in r.specifier)]
    assert unbounded == []


def test_the_lock_files_pin_every_dependency_within_its_range():
    runtime, dev = declared()
    for lock, requirements in (("requirements.txt", runtime),
                               ("requirements-dev.txt", runtime + dev)):
        locked = pins(lock)
        for requirement in requirements:
            version = locked.get(canonicalize_name(requirement.name))
            assert version, f"{requirement.name} is not in {lock}: run `make lock`"
            assert requirement.specifier.contains(version, prereleases=True), (
                f"{lock} pins {requirement.name}=={version} outside {requirement.specifier}")


def test_the_dev_lock_repeats_the_runtime_pins():
    runtime, dev_lock = pins("requirements.txt"), pins("requirements-dev.txt")
    assert {name: dev_lock.get(name) for name in runtime} == runtime

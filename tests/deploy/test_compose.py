"""docker-compose.yml as written: every variable the portal reads reaches the app containers and
is documented in .env.example and README "Configuration"; no default passwords."""

import re

import yaml

from tests.deploy.settings_env import ROOT, variables_read

APP_SERVICES = ["migrate", "web", "worker", "beat"]
# Read by the portal but no business of .env: where `make run` serves (the containers listen on
# GUNICORN_BIND), and the paths the image fixes (its Dockerfile ENV).
NOT_FOR_DOT_ENV = {"HOST", "PORT", "ITSM_VAR_DIR", "STATIC_ROOT"}


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def documented_in_env_example() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", text, re.M))


def test_it_passes_dot_env_to_every_app_container():
    services = compose()["services"]
    for name in APP_SERVICES:
        env_file = services[name].get("env_file")
        assert env_file in (".env", [".env"]), f"{name}: env_file is {env_file!r}"


def test_it_documents_every_variable_the_portal_reads_in_env_example():
    stack_sets = set(compose()["x-app"]["environment"])
    missing = sorted(set(variables_read()) - documented_in_env_example() - stack_sets
                     - NOT_FOR_DOT_ENV)
    assert missing == [], f"read by the portal, absent from .env.example: {missing}"


def test_it_documents_every_variable_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    missing = sorted(name for name in set(variables_read()) - {"HOST", "PORT"}
                     if f"`{name}`" not in readme)
    assert missing == [], f"read by the portal, absent from README: {missing}"


def test_it_lists_only_variables_the_portal_reads_in_env_example():
    # A name in .env.example that nothing reads is a setting that silently does nothing.
    compose_only = {"POSTGRES_PASSWORD", "WEB_PORT"}
    read = set(variables_read())
    unread = sorted(name for name in documented_in_env_example() - read - compose_only
                    if not (name.endswith("_FILE") and name.removesuffix("_FILE") in read))
    assert unread == [], f"in .env.example but read by nothing: {unread}"


def test_it_leaves_the_image_paths_to_the_dockerfile():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for name in NOT_FOR_DOT_ENV - {"HOST", "PORT"}:
        assert f"{name}=" in dockerfile


def test_it_has_no_default_password():
    text = (ROOT / "docker-compose.yml").read_text()
    assert re.findall(r"\$\{POSTGRES_PASSWORD(:?-[^}]*)?\}", text) == []
    assert "${POSTGRES_PASSWORD:?" in text
    assert compose()["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith(
        "${POSTGRES_PASSWORD:?")

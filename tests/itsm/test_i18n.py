"""Chinese first, English complete (REQUIREMENTS X1)."""

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"
MO = ROOT / "locale/zh_Hans/LC_MESSAGES/django.mo"

HOMES = {"user": ("我的服务", "My service"), "desk": ("服务台", "Service desk"),
         "engineer": ("我的工作", "My work"), "pm": ("管理概览", "Management overview"),
         "client": ("甲方概览", "Client overview"), "admin": ("系统管理", "System administration")}


def test_every_string_has_a_chinese_translation():
    po = polib.pofile(str(PO))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy


def test_the_committed_catalogue_is_compiled_from_the_po_file():
    """The .mo is committed so a machine without gettext still shows Chinese."""
    compiled = gettext.GNUTranslations(MO.open("rb"))
    for entry in polib.pofile(str(PO)).translated_entries():
        if entry.msgid_plural and entry.msgctxt:
            assert compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural,
                                      1) == entry.msgstr_plural[0]
        elif entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
        elif entry.msgctxt:  # one English word with two meanings: each its own Chinese
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr, entry.msgid
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_the_catalogue_has_every_string_in_code_and_templates(tmp_path):
    """Run makemessages on a copy of the tree: no msgid may be missing from the committed .po."""
    copy = tmp_path / "tree"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(
        ".venv", "var", ".git", "node_modules", "*.egg-info", "__pycache__", "tests", "bench"))
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=copy, check=True, capture_output=True, timeout=120,
        env={**os.environ, "ITSM_VAR_DIR": str(tmp_path / "var")},
    )
    wanted = {(e.msgctxt, e.msgid) for e in polib.pofile(str(copy / PO.relative_to(ROOT)))
              if e.msgid}
    have = {(e.msgctxt, e.msgid) for e in polib.pofile(str(PO)) if e.translated()}
    assert not wanted - have, sorted(wanted - have, key=str)


def test_pages_are_chinese_by_default_even_for_an_english_browser(client, demo):
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "登录" in page


@pytest.mark.parametrize(("username", "titles"), HOMES.items())
def test_each_home_switches_between_chinese_and_english(client, demo, username, titles):
    chinese, english = titles
    client.force_login(demo[username])
    home = client.get("/", follow=True)
    assert chinese in home.content.decode()
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    page = switched.content.decode()
    assert '<html lang="en">' in page
    assert english in page
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert chinese in client.get("/", follow=True).content.decode()


def test_api_errors_follow_the_chosen_language(client, demo):
    from django.conf import settings

    response = client.post("/api/auth/token/", {"username": "pm", "password": "x"})
    assert response.json()["detail"] == "用户名或密码错误。"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post("/api/auth/token/", {"username": "pm", "password": "x"})
    assert response.json()["detail"] == "Wrong username or password."


def test_the_admin_is_in_chinese(client, demo):
    client.force_login(demo["admin"])
    page = client.get("/admin/sla/contract/").content.decode()
    assert "服务合同" in page
    assert "运维服务门户管理后台" in page

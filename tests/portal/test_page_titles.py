"""A page's title is text: the browser shows <title> as written, markup and all, and runs no
script in it. Three pages had their closing scripts (and the attachment viewer) copied into
the title block, so their tabs showed raw HTML."""

import re
from pathlib import Path

from django.conf import settings

TITLE_BLOCK = re.compile(r"{%\s*block title\s*%}(.*?){%\s*endblock", re.S)


def _templates():
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    roots += [p for p in Path(settings.BASE_DIR).glob("*/templates") if ".venv" not in p.parts]
    for root in roots:
        yield from root.rglob("*.html")


def test_no_title_block_holds_markup_or_an_include():
    found = []
    for path in _templates():
        for block in TITLE_BLOCK.findall(path.read_text(encoding="utf-8")):
            if "<" in block or "{% include" in block:
                found.append(f"{path}: {block.strip()[:80]}")
    assert found == []


def test_the_desks_pages_have_plain_titles(demo, login):
    from tickets.models import Ticket

    ticket = Ticket.objects.order_by("pk").first()
    desk = login(demo["desk"])
    for url, starts in (("/tickets/queue/", "派工队列"), ("/tickets/log-call/", "登记来电"),
                        (f"/tickets/{ticket.number}/", ticket.number)):
        response = desk.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200, url
        # As the browser reads <title>: everything up to </title> is its text.
        title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)
        assert title.startswith(starts) and "<" not in title, (url, title)

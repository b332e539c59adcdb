#!/usr/bin/env python
"""The e-mail channel at volume (issue 17, Performance), against a real IMAP server.

    .venv/bin/python bench/mail.py            # --messages 1000 --idle-polls 20

Creates the database itsm_bench_mail if missing (DATABASE_URL overrides), migrates it, loads
the demo, starts a private Dovecot over TLS (tests/mailin/servers.py; needs dovecot-imapd),
and a mailbox for a fresh contract BENCH-MAIL on the demo desktop client with 100 generated
client people. Then:
- 1,000 messages delivered to the mailbox (IMAP APPEND, not timed): 70 % new mail from known
  senders (one in seven in GBK with a PNG attachment), 15 % from unknown senders (held), 15 %
  automatic (out-of-office, bulk, bounces); one poll processes them all: target under 60 s;
- 200 replies with reply tokens to the tickets just filed, one poll: threaded;
- the idle poll (an empty mailbox: connect, TLS, login, select, search), median and worst of
  20: target under 200 ms.
Prints the figures and writes bench/results/mail.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RESULTS, bench_env, ensure_database  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/itsm_bench_mail"
PEOPLE = 100


def setup() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    ensure_database(os.environ["DATABASE_URL"])
    os.environ.update(bench_env())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
    root = Path(__file__).resolve().parent.parent
    os.chdir(root)
    sys.path.insert(0, str(root))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)


def bench_mailbox(server):
    """A fresh contract on the demo desktop client, its mailbox on the private server, and
    PEOPLE client persons with addresses (the senders)."""
    from accounts.models import Role, User
    from mailin.models import InboundMessage, Mailbox
    from sla.models import Contract
    from tests.mailin.servers import PASSWORD, USER
    from tickets.models import ServiceType, Ticket

    template = Contract.objects.get(code="DEMO-DESKTOP")
    contract, _ = Contract.objects.get_or_create(code="BENCH-MAIL", defaults={
        "name": "邮件渠道基准测试", "client": template.client, "provider": template.provider,
        "starts_on": template.starts_on, "ends_on": template.ends_on,
        "calendar": template.calendar, "project_manager": template.project_manager})
    InboundMessage.objects.filter(mailbox__contract=contract).delete()
    Ticket.objects.filter(contract=contract).update(merged_into=None)
    for person in range(PEOPLE):
        User.objects.get_or_create(username=f"bench-mail-{person}", defaults={
            "name": f"邮件用户 {person}", "role": Role.END_USER,
            "organisation": template.client, "email": f"bench-mail-{person}@mingyuan.example"})
    Mailbox.objects.filter(contract=contract).delete()
    return Mailbox.objects.create(
        contract=contract, service_type=ServiceType.objects.filter(active=True).first(),
        host="127.0.0.1", port=server.port, use_tls=True, username=USER, password=PASSWORD)


def messages(n: int) -> list[bytes]:
    from tests.mailin.mails import PNG, mail

    out = []
    for index in range(n):
        kind = index % 20
        sender = f"bench-mail-{index % PEOPLE}@mingyuan.example"
        if kind < 14:
            if kind == 0:
                out.append(mail(sender=sender, subject=f"打印机故障 第{index}号（镕）",
                                charset="gbk", body="打印机卡纸，请派人处理。" * 20,
                                attachments=[("照片.png", PNG, "image/png")]))
            else:
                out.append(mail(sender=sender, subject=f"电脑无法开机 #{index}",
                                body="早上开机黑屏，指示灯不亮。\n" * 10))
        elif kind < 17:
            out.append(mail(sender=f"stranger{index}@elsewhere.example",
                            subject=f"咨询 {index}"))
        elif kind == 17:
            out.append(mail(sender=sender, subject="自动回复：休假中",
                            headers={"Auto-Submitted": "auto-replied"}))
        elif kind == 18:
            out.append(mail(sender="news@vendor.example", subject=f"月刊 {index}",
                            headers={"Precedence": "bulk"}))
        else:
            out.append(mail(sender=sender, subject="Out of Office: back next week"))
    return out


def replies(mailbox, n: int) -> list[bytes]:
    from mailin import tokens
    from tests.mailin.mails import mail

    tickets = mailbox.contract.tickets.exclude(message_id="").select_related(
        "requester").order_by("pk")[:n]
    return [mail(sender=t.requester.email, subject=f"回复：{tokens.subject_tag(t.number)}",
                 body="补充：重启后依旧。\n\n------------------ 原始邮件 ------------------\n旧内容")
            for t in tickets]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--replies", type=int, default=200)
    parser.add_argument("--idle-polls", type=int, default=20)
    args = parser.parse_args()
    setup()
    from django.conf import settings

    from mailin.services.poll import mailbox_poll
    from tests.mailin.servers import Dovecot

    server = Dovecot(Path(tempfile.mkdtemp(prefix="itsm-bench-mail-")))
    server.start()
    settings.MAILIN_IMAP_CA_FILE = str(server.cert)
    try:
        mailbox = bench_mailbox(server)
        server.deliver(*messages(args.messages))
        started, cpu = time.perf_counter(), time.process_time()
        result = mailbox_poll(mailbox)
        batch, batch_cpu = time.perf_counter() - started, time.process_time() - cpu
        assert not result.error, result.error
        assert server.count("INBOX") == 0, "messages left in the inbox"
        server.deliver(*replies(mailbox, args.replies))
        started = time.perf_counter()
        threaded = mailbox_poll(mailbox)
        reply_time = time.perf_counter() - started
        idle = []
        for _ in range(args.idle_polls):
            started = time.perf_counter()
            assert mailbox_poll(mailbox).seen == 0
            idle.append((time.perf_counter() - started) * 1000)
    finally:
        server.stop()
    figures = {
        "messages": result.seen, "outcomes": result.outcomes, "seconds": round(batch, 2),
        "cpu_seconds_this_process": round(batch_cpu, 2),
        "load_average": os.getloadavg()[0], "workers": settings.MAILIN_POLL_WORKERS,
        "per_message_ms": round(batch * 1000 / max(result.seen, 1), 1),
        "replies": threaded.seen, "reply_outcomes": threaded.outcomes,
        "reply_seconds": round(reply_time, 2),
        "idle_poll_ms_median": round(statistics.median(idle), 1),
        "idle_poll_ms_max": round(max(idle), 1),
    }
    print(f"{result.seen} messages in {batch:.1f} s ({figures['per_message_ms']} ms each; "
          f"target < 60 s): {result.outcomes}")
    print(f"  this process used {batch_cpu:.1f} s of CPU (the rest is PostgreSQL, Dovecot and "
          f"waiting); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{threaded.seen} replies in {reply_time:.1f} s: {threaded.outcomes}")
    print(f"idle poll: median {figures['idle_poll_ms_median']} ms, worst "
          f"{figures['idle_poll_ms_max']} ms (target < 200 ms)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "mail.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()

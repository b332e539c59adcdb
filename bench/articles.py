#!/usr/bin/env python
"""Knowledge article search at volume (issue 18): p50/p95 of GET /api/articles/?search=…

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/itsm_k18kb \
        .venv/bin/python bench/articles.py --articles 50000

Migrates the database (knowledge 0001 builds the bigram GIN index), loads the demo, then tops
the articles up to --articles with generated ones (bulk_create: no versions or history rows;
fixture volume, not edits anybody made): Chinese and English symptom/cause/solution texts drawn
from the desk's vocabulary, about 3 % mentioning 卡纸, 1 % 蓝屏, 5 % "printer". Then, in process
(django.test.Client, DEBUG off, one warm-up, --runs requests each), as the general manager
(every article) and as an end user (published public ones): a two-character Chinese term in the
body, a rarer one, a three-character one, an English word, an absent word. Prints EXPLAIN of the
two-character search to show the index is read. Results: bench/results/articles.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RESULTS, setup_django  # noqa: E402

TERMS = [("zh2 in body", "卡纸"), ("zh2 rarer", "蓝屏"), ("zh3", "打印机"), ("en word", "printer"),
         ("en absent", "Ethernet")]
PREFIX = "[bench] "
DEVICES = ["复印机", "笔记本", "台式机", "显示器", "交换机", "服务器", "投影仪", "扫描仪", "路由器",
           "无线网卡", "门禁终端", "考勤机"]
FAULTS = ["无法开机", "频繁死机", "无法联网", "速度很慢", "报错退出", "无法登录", "声音异常",
          "屏幕闪烁", "指示灯闪烁", "无法识别", "自动重启", "温度过高"]
STEPS = ["重新插拔电源线和网线", "检查驱动程序版本", "清理临时文件", "更新固件", "恢复出厂设置",
         "更换数据线", "检查 IP 地址配置", "联系厂商送修", "重启相关服务", "检查磁盘剩余空间"]
EN_WORDS = ["laptop", "monitor", "switch", "server", "projector", "scanner", "router", "badge",
            "keyboard", "mouse", "driver", "firmware", "network", "password", "mailbox"]


def _text(rng: random.Random, i: int) -> dict:
    device, fault = rng.choice(DEVICES), rng.choice(FAULTS)
    extra_zh, extra_en = "", ""
    roll = rng.random()
    if roll < 0.03:
        extra_zh = "出纸口经常卡纸，需要打开后盖取出。"
    elif roll < 0.04:
        extra_zh = "使用中突然蓝屏并出现错误代码。"
    if rng.random() < 0.05:
        extra_en = "The printer queue stalls."
    steps = "\n".join(f"{n}. {s}" for n, s in enumerate(rng.sample(STEPS, 3), 1))
    words = " ".join(rng.sample(EN_WORDS, 4))
    return {
        "title": f"{PREFIX}{device}{fault}的处理 #{i}",
        "symptom": f"用户反映{device}{fault}，{extra_zh}影响日常办公。{rng.choice(FAULTS)}时有发生。",
        "cause": f"可能原因：{rng.choice(STEPS)}未完成，或{device}老化。",
        "solution": steps,
        "title_en": f"{device} {fault} #{i}",
        "symptom_en": f"The {words} shows errors. {extra_en}",
        "solution_en": f"Check the {rng.choice(EN_WORDS)} and restart the {rng.choice(EN_WORDS)}.",
    }


def generate(n: int, *, seed: int = 18, batch: int = 2000) -> int:
    from accounts.models import User
    from core.clock import now
    from knowledge.models import Article, ArticleStatus, Visibility
    from sla.models import Contract

    have = Article.objects.count()
    if have >= n:
        return 0
    rng = random.Random(seed + have)
    author = User.objects.get(username="engineer")
    contracts = [None, *Contract.objects.values_list("pk", flat=True)]
    moment = now()
    pending, created = [], 0
    for i in range(have, n):
        published = rng.random() < 0.85
        pending.append(Article(
            **_text(rng, i), author=author, contract_id=rng.choice(contracts),
            visibility=Visibility.PUBLIC if rng.random() < 0.8 else Visibility.INTERNAL,
            status=ArticleStatus.PUBLISHED if published else rng.choice(
                [ArticleStatus.DRAFT, ArticleStatus.REVIEW, ArticleStatus.RETIRED]),
            published_at=moment if published else None, created_at=moment, updated_at=moment,
            submitted_at=moment))
        if len(pending) >= batch:
            Article.objects.bulk_create(pending)
            created += len(pending)
            pending = []
    if pending:
        Article.objects.bulk_create(pending)
        created += len(pending)
    return created


def _time(client, url: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"url": url, "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
            "max_ms": round(times[-1], 1), "queries": len(queries),
            "results": response.json()["count"]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=50000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--out", default=str(RESULTS / "articles.json"))
    args = parser.parse_args()
    setup_django()
    from urllib.parse import quote

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from demo.data import load_demo
    from knowledge.models import Article
    from knowledge.selectors.articles import article_search, articles_visible_to

    call_command("migrate", interactive=False, verbosity=0)
    if not User.objects.filter(username="gm").exists():
        load_demo()
    started = time.perf_counter()
    made = generate(args.articles)
    if made:
        with connection.cursor() as cur:
            cur.execute("ANALYZE knowledge_article")
    print(f"generated {made} articles in {time.perf_counter() - started:.0f} s; "
          f"{Article.objects.count()} in all")
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():  # DEBUG off: manifest
        call_command("collectstatic", interactive=False, verbosity=0)

    gm, user = User.objects.get(username="gm"), User.objects.get(username="user")
    sql, params = article_search(articles_visible_to(gm), "卡纸").values("pk").query \
        .sql_with_params()
    with connection.cursor() as cur:
        cur.execute("EXPLAIN ANALYZE " + sql, params)
        plan = "\n".join(row[0] for row in cur.fetchall())
    print(plan)
    rows = []
    for who in (gm, user):
        client = Client()
        client.force_login(who)
        for label, term in TERMS:
            row = _time(client, f"/api/articles/?search={quote(term)}", args.runs)
            row.update(who=who.username, case=label, term=term)
            rows.append(row)
            print(f"{who.username:5} {label:12} {term:9} p50 {row['p50_ms']:6} ms  "
                  f"p95 {row['p95_ms']:6} ms  queries {row['queries']}  "
                  f"results {row['results']}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"articles": Article.objects.count(), "rows": rows,
                                          "explain_zh2": plan}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()

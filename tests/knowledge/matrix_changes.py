"""URL × role rows for problems, changes, consents and notices (merged into
tests/test_url_matrix.py). {problem}, {change}, {notice}: the demo's on DEMO-DESKTOP; {consent}:
the restart asked of 吴芳 (user) on her printer ticket."""

ALL = {"admin", "desk", "engineer", "engineer2", "pm", "delivery", "gm", "client", "user",
       "user2"}
READERS = ALL - {"user", "user2"}  # problems and changes: staff and the client's contact
WORKERS = {"admin", "desk", "engineer", "engineer2", "pm", "delivery"}
PUBLISHERS = {"admin", "desk", "pm", "delivery"}

EXPECTED = {
    "/problems/": (READERS, 403, 302),
    "/problems/new/": (WORKERS, 403, 302),
    "/problems/{problem}/": (READERS, 403, 302),
    "/problems/{problem}/report.pdf": (READERS, 403, 302),
    "/changes/": (READERS, 403, 302),
    "/changes/new/": (WORKERS, 403, 302),
    "/changes/{change}/": (READERS, 403, 302),
    "/changes/{change}/print/": (READERS, 403, 302),
    "/consents/": (ALL, None, 302),
    "/consents/new/": (WORKERS, 403, 302),
    "/consents/{consent}/": (ALL - {"user2"}, 404, 302),
    "/notices/": (ALL, None, 302),
    "/notices/calendar/": (ALL, None, 302),
    "/notices/new/": (PUBLISHERS, 403, 302),
    "/notices/{notice}/": (ALL, None, 302),
    "/notices/{notice}/edit/": (PUBLISHERS, 403, 302),
    "/api/problems/": (ALL, None, 401),
    "/api/problems/{problem}/": (READERS, 404, 401),
    "/api/changes/": (ALL, None, 401),
    "/api/changes/{change}/": (READERS, 404, 401),
    "/api/consents/": (ALL, None, 401),
    "/api/consents/{consent}/": (ALL - {"user2"}, 404, 401),
    "/api/notices/": (ALL, None, 401),
    "/api/notices/{notice}/": (ALL, None, 401),
}

POST_ONLY = {
    "problems/<str:number>/accept/", "problems/<str:number>/dismiss/",
    "problems/<str:number>/analyse/", "problems/<str:number>/link-change/",
    "problems/<str:number>/confirm/", "problems/<str:number>/known-error-article/",
    "changes/<str:number>/submit/",
    "changes/<str:number>/approve/", "changes/<str:number>/reject/",
    "changes/<str:number>/implement/", "changes/<str:number>/review/",
    "changes/<str:number>/cancel/", "consents/<int:pk>/approve/", "consents/<int:pk>/reject/",
    "notices/<int:pk>/cancel/",
}


def names() -> dict:
    from demo.changes import CHANGE_TITLE, NOTICE_TITLE, PROBLEM_TITLE
    from knowledge.models import Change, Consent, Notice, Problem

    return {"problem": Problem.objects.get(title=PROBLEM_TITLE).number,
            "change": Change.objects.get(title=CHANGE_TITLE).number,
            "notice": Notice.objects.get(title=NOTICE_TITLE).pk,
            "consent": Consent.objects.get(ticket__title="三楼财务部打印机频繁卡纸").pk}

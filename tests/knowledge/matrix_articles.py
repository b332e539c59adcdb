"""URL × role rows for knowledge articles (merged into tests/test_url_matrix.py).

{kb_public}: the demo's published public article 打印机卡纸的处理方法 (every contract);
{kb_server}: the internal article of the server contract (staff on that contract only);
{kb_draft}: the article still in review (staff who read every state)."""

ALL = {"admin", "desk", "engineer", "engineer2", "pm", "delivery", "gm", "client", "user",
       "user2"}
STAFF = {"admin", "desk", "engineer", "engineer2", "pm", "delivery", "gm"}
SERVER_STAFF = {"admin", "desk", "engineer2", "pm", "delivery", "gm"}
WRITERS = {"admin", "desk", "engineer", "engineer2", "pm", "delivery"}
CURATORS = {"admin", "desk", "pm", "delivery"}
DASHBOARDS = {"admin", "pm", "delivery", "gm", "client"}
FILERS = {"admin", "client", "user", "user2"}

EXPECTED = {
    "/kb/": (ALL, None, 302),
    "/kb/?q=卡纸": (ALL, None, 302),
    "/kb/new/": (WRITERS, 403, 302),
    "/kb/review/": (CURATORS, 403, 302),
    "/kb/deflection/": (DASHBOARDS, 403, 302),
    "/kb/deflect/?title=打印机卡纸": (FILERS, 403, 302),
    "/kb/{kb_public}/": (ALL, None, 302),
    "/kb/{kb_server}/": (SERVER_STAFF, 404, 302),
    "/kb/{kb_draft}/": (STAFF, 404, 302),
    "/kb/{kb_public}/edit/": (CURATORS, {403, 404}, 302),
    "/kb/{kb_public}/versions/": (STAFF, 403, 302),
    # {printer}: 吴芳's desktop ticket; the panel is for staff (client side gets an empty one).
    "/kb/ticket/{printer}/": (ALL - {"user2"}, 404, 302),
    "/api/articles/": (ALL, None, 401),
    "/api/articles/?search=卡纸": (ALL, None, 401),
    "/api/articles/?search=x": (set(), 400, 401),
    "/api/articles/{kb_public}/": (ALL, None, 401),
    "/api/articles/{kb_server}/": (SERVER_STAFF, 404, 401),
}

POST_ONLY = {"kb/<int:pk>/vote/", "kb/<int:pk>/solved/", "kb/<int:pk>/<str:action>/",
             "kb/ticket/<str:number>/link/", "kb/ticket/<str:number>/propose/",
             "api/articles/<pk>/vote/", "api/articles/<pk>/solved/",
             "api/articles/<pk>/submit/", "api/articles/<pk>/publish/",
             "api/articles/<pk>/return/", "api/articles/<pk>/retire/",
             "api/articles/<pk>/restore/"}
# An attachment needs an uploaded file: tests/knowledge/test_views.py walks it.
NO_EXAMPLE = {"kb/attachments/<int:pk>/"}


def names() -> dict:
    from knowledge.models import Article

    return {"kb_public": Article.objects.get(title="打印机卡纸的处理方法").pk,
            "kb_server": Article.objects.get(title="交易数据库服务器硬盘告警处置流程").pk,
            "kb_draft": Article.objects.get(title="Outlook 邮箱已满无法收信").pk}

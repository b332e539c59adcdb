"""The search page (/search/?q=) and, for htmx, the navbar's drop-down of top results."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core.errors import InvalidInput
from portal.search.selectors import KINDS, Q_MAX, clean_query, search

PAGE_LIMIT = 20
DROPDOWN_LIMIT = 5



def _groups(results):
    groups: dict[str, list] = {}
    for result in results:
        groups.setdefault(result.kind, []).append(result)
    return [(kind, groups[kind]) for kind in KINDS if kind in groups]


@login_required
def search_page(request):
    """Results grouped by kind; a bad term shows the reason, not an error page. With htmx (the
    navbar box) only the drop-down: a few results of each kind."""
    dropdown = bool(request.htmx)
    error = ""
    results = []
    q = request.GET.get("q", "")
    try:
        if not q.strip():  # the empty page: just the box
            raise InvalidInput("", field="q")
        term, kind = clean_query(q, request.GET.get("kind"))
    except InvalidInput as refused:
        term, kind, error = q.strip()[:Q_MAX], "", refused.message
    else:
        results = search(user=request.user, q=term, kind=kind,
                         limit=DROPDOWN_LIMIT if dropdown else PAGE_LIMIT)
    context = {"q": term, "kind": kind, "groups": _groups(results), "error": error,
               "count": len(results)}
    if dropdown:
        return render(request, "portal/search.html#dropdown", context)
    return render(request, "portal/search.html", context)

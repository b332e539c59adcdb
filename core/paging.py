"""Paging without COUNT(*): lists over millions of rows read one page plus one row (DESIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Page:
    object_list: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def page_of(queryset, page: str | int | None, per_page: int = 50, max_page: int = 200) -> Page:
    try:
        number = min(max(int(page or 1), 1), max_page)
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * per_page
    rows = list(queryset[start:start + per_page + 1])
    return Page(object_list=rows[:per_page], number=number, has_next=len(rows) > per_page)


def query_without_page(request) -> str:
    """The list's current filters as a query string, for the pager's links to add a page to."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()

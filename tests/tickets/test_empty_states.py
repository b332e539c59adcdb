"""Empty lists that help (issue 15, point 13): the queue names the filters that emptied it and
offers a link clearing them."""

from __future__ import annotations


def test_it_names_the_filters_that_emptied_the_queue(demo, login):
    page = login(demo["desk"]).get(
        "/tickets/queue/?view=closed&status=resolved&q=没有这样的工单").content.decode()
    assert 'data-testid="no-tickets"' in page
    assert "没有这样的工单" in page
    assert 'href="/tickets/queue/?view=closed" data-testid="clear-filters"' in page


def test_it_escapes_the_search_text_it_repeats(demo, login):
    page = login(demo["desk"]).get("/tickets/queue/?q=<b>x</b>").content.decode()
    assert "<b>x</b>" not in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page


def test_it_labels_every_queue_filter(demo, login):
    page = login(demo["desk"]).get("/tickets/queue/").content.decode()
    assert 'for="id_priority"' in page
    assert 'for="id_sort"' in page

"""The portal has an icon: linked from every page, and /favicon.ico finds it too."""

from django.contrib.staticfiles import finders


def test_it_links_the_icon_from_the_layout(db, client):
    page = client.get("/login/").content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page


def test_it_answers_favicon_ico_with_the_svg_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.svg"
    assert finders.find("img/favicon.svg")

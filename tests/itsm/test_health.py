import pytest


def test_it_reports_database_and_broker_up(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True
    assert response["Cache-Control"].startswith("max-age=0")


def test_it_answers_503_when_the_broker_is_down(client, db, settings, dead_broker):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["broker"]["ok"] is False
    assert "error" in body["broker"]
    assert body["database"]["ok"] is True


def test_it_answers_503_when_the_database_is_down(client, db, monkeypatch):
    from core import health

    monkeypatch.setattr(health, "check_database",
                        lambda: {"ok": False, "vendor": "x", "error": "OperationalError: gone"})
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"]["error"] == "OperationalError: gone"


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_it_only_answers_get(client, db, method):
    assert getattr(client, method)("/healthz").status_code == 405

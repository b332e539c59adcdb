"""The survey page behind the e-mailed link, the ticket page prompt and the desk's callbacks."""

from datetime import timedelta

import pytest
import time_machine

from surveys.models import CallbackTask, TicketSurvey
from surveys.services.ticket_surveys import survey_answer
from tests.surveys.test_ticket_surveys import GOOD, desktop, resolved  # noqa: F401 - fixtures
from tickets.models import Status

ANSWER = {"fixed": "yes", "response_speed": "5", "attitude": "4", "ability": "5",
          "overall": "5", "comment": ""}


@pytest.fixture
def survey(resolved):  # noqa: F811
    return TicketSurvey.objects.get(ticket=resolved())


def _url(survey):
    return f"/s/{survey.token}/"


def test_the_page_opens_without_login_with_the_ticket(client, survey):
    response = client.get(_url(survey))
    assert response.status_code == 200
    assert response.context["state"] == "open"
    html = response.content.decode()
    assert survey.ticket.number in html and survey.ticket.title in html
    assert 'data-testid="survey-form"' in html and "csrftoken" in response.cookies
    assert response["Referrer-Policy"] == "same-origin"


def test_the_link_without_slash_redirects(client, survey):
    response = client.get(f"/s/{survey.token}")
    assert response.status_code == 301 and response["Location"].endswith(_url(survey))


def test_unknown_token_is_404(client, survey):
    assert client.get("/s/" + "A" * 43 + "/").status_code == 404
    assert client.get("/s/" + "A" * 300 + "/").status_code == 404


def test_a_logged_in_other_person_gets_404(client, demo, survey):
    for username in ["user2", "desk", "engineer", "admin"]:
        client.force_login(demo[username])
        assert client.get(_url(survey)).status_code == 404, username
        assert client.post(_url(survey), ANSWER).status_code == 404, username
    survey.refresh_from_db()
    assert survey.answered_at is None
    client.force_login(demo["user"])
    assert client.get(_url(survey)).status_code == 200


def test_answering_redirects_to_thank_you_then_already_answered(client, survey):
    response = client.post(_url(survey), ANSWER)
    assert response.status_code == 302 and response["Location"] == _url(survey)
    survey.refresh_from_db()
    assert survey.answered_at and survey.attitude == 4 and survey.fixed is True
    page = client.get(_url(survey))
    assert page.status_code == 200 and page.context["state"] == "answered"
    assert b'data-testid="survey-answered"' in page.content
    # Reuse: a second post changes nothing.
    again = client.post(_url(survey), {**ANSWER, "overall": "1", "comment": "x"})
    assert again.status_code == 200 and again.context["state"] == "answered"
    survey.refresh_from_db()
    assert survey.overall == 5


@pytest.mark.parametrize(("change", "field"), [
    ({"overall": "0"}, "overall"), ({"overall": "6"}, "overall"), ({"attitude": ""}, "attitude"),
    ({"fixed": ""}, "fixed"), ({"ability": "2"}, "comment"),
])
def test_bad_answers_show_field_errors_and_save_nothing(client, survey, change, field):
    response = client.post(_url(survey), {**ANSWER, **change})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert f'data-testid="error-{field}"'.encode() in response.content
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_an_expired_survey_says_so(client, survey):
    with time_machine.travel(survey.expires_at + timedelta(seconds=1)):
        page = client.get(_url(survey))
        assert page.context["state"] == "expired"
        assert b'data-testid="survey-expired"' in page.content
        client.post(_url(survey), ANSWER)
    survey.refresh_from_db()
    assert survey.answered_at is None


def test_english_cookie_and_requester_language(client, demo, survey):
    client.cookies["itsm_language"] = "en"
    assert b"How did we do?" in client.get(_url(survey)).content


def test_not_fixed_on_the_page_reopens(client, survey):
    client.post(_url(survey), {**ANSWER, "fixed": "no", "comment": "还是不亮"})
    survey.ticket.refresh_from_db()
    assert survey.ticket.status == Status.REOPENED


def test_the_survey_page_query_count(client, survey, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        client.get(_url(survey))


def test_the_ticket_page_prompts_the_requester_only(client, demo, survey):
    client.force_login(demo["user"])
    page = client.get(f"/tickets/{survey.ticket.number}/")
    assert b'data-testid="survey-prompt"' in page.content and _url(survey).encode() in page.content
    client.force_login(demo["desk"])
    page = client.get(f"/tickets/{survey.ticket.number}/")
    assert b'data-testid="survey-prompt"' not in page.content


# --- callbacks ------------------------------------------------------------------------------


@pytest.fixture
def callback(survey):
    survey_answer(survey=survey, **{**GOOD, "overall": 1, "comment": "太慢"})
    return CallbackTask.objects.get(survey=survey)


def test_the_desk_sees_and_closes_callbacks(client, demo, callback, django_assert_max_num_queries):
    client.force_login(demo["desk"])
    with django_assert_max_num_queries(8):
        page = client.get("/surveys/callbacks/")
    assert page.status_code == 200
    html = page.content.decode()
    assert callback.survey.ticket.number in html and "太慢" in html
    response = client.post(f"/surveys/callbacks/{callback.pk}/done/", {"outcome": "已致电致歉"})
    assert response.status_code == 302
    callback.refresh_from_db()
    assert callback.done_at and callback.done_by == demo["desk"]
    assert callback.outcome == "已致电致歉"
    assert callback.survey.ticket.number.encode() not in client.get("/surveys/callbacks/").content


def test_callback_needs_an_outcome_and_is_scoped(client, demo, callback):
    client.force_login(demo["desk"])
    client.post(f"/surveys/callbacks/{callback.pk}/done/", {"outcome": " "})
    callback.refresh_from_db()
    assert callback.done_at is None
    for username, status in [("engineer", 403), ("user", 403), ("gm", 403)]:
        client.force_login(demo[username])
        assert client.get("/surveys/callbacks/").status_code == status
        assert client.post(f"/surveys/callbacks/{callback.pk}/done/",
                           {"outcome": "x"}).status_code == status
    callback.refresh_from_db()
    assert callback.done_at is None


def test_callbacks_page_query_count_is_constant(client, demo, resolved,  # noqa: F811
                                                django_assert_max_num_queries):
    for n in range(4):
        survey = TicketSurvey.objects.get(ticket=resolved(title=f"慢 {n}"))
        survey_answer(survey=survey, **{**GOOD, "attitude": 1, "comment": "差"})
    client.force_login(demo["desk"])
    with django_assert_max_num_queries(8):
        assert client.get("/surveys/callbacks/").status_code == 200

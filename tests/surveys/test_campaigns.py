"""Questionnaire campaigns (V2): builder, audience, the respondent page, reminders, results."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Department, User
from accounts.roles import Role
from core.errors import ActionRefused, InvalidInput, PermissionRefused
from notifications.models import Notification
from sla.models import Contract
from surveys.models import Answer, Campaign, Invitation, Question
from surveys.selectors import campaigns as sel
from surveys.services import campaigns as svc

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 3, 10, 12, 0, tzinfo=SHANGHAI)


@pytest.fixture
def frozen():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


@pytest.fixture
def desktop(demo):
    return Contract.objects.get(code="DEMO-DESKTOP")


def _campaign(pm, contract, **extra):
    fields = dict(title="2026 年度满意度调查", contracts=[contract], opens_on=date(2026, 3, 1),
                  closes_on=date(2026, 3, 31), remind_every_days=3)
    fields.update(extra)
    campaign = svc.campaign_create(actor=pm, **fields)
    svc.question_save(actor=pm, campaign=campaign, kind="scale", text="响应速度", required=True)
    svc.question_save(actor=pm, campaign=campaign, kind="single", text="渠道",
                      choices=["电话", "门户"], required=False)
    svc.question_save(actor=pm, campaign=campaign, kind="multiple", text="改进",
                      choices=["速度", "态度", "能力"], required=False)
    svc.question_save(actor=pm, campaign=campaign, kind="text", text="建议", required=False)
    return campaign


def _audience(contract):
    return set(User.objects.filter(organisation_id=contract.client_id, is_active=True,
                                   role__in=[Role.END_USER, Role.CLIENT_CONTACT])
               .values_list("pk", flat=True))


def test_builder_validation(demo, desktop, frozen):
    pm = demo["pm"]
    with pytest.raises(ActionRefused):
        svc.campaign_create(actor=pm, title="x", contracts=[desktop], opens_on=date(2026, 3, 5),
                            closes_on=date(2026, 3, 1))
    with pytest.raises(PermissionRefused):
        svc.campaign_create(actor=demo["desk"], title="x", contracts=[desktop],
                            opens_on=date(2026, 3, 1), closes_on=date(2026, 3, 5))
    campaign = _campaign(pm, desktop)
    with pytest.raises(ActionRefused):
        svc.question_save(actor=pm, campaign=campaign, kind="single", text="q", choices=["a"])
    with pytest.raises(ActionRefused):
        svc.question_save(actor=pm, campaign=campaign, kind="scale", text="  ")
    first, second = campaign.questions.order_by("ordering")[:2]
    svc.question_move(actor=pm, campaign=campaign, question=second, up=True)
    assert list(campaign.questions.order_by("ordering").values_list("pk", flat=True)[:2]) == [
        second.pk, first.pk]
    # The page form refuses one choice and keeps nothing.
    client = Client()
    client.force_login(pm)
    before = campaign.questions.count()
    response = client.post(reverse("surveys:question_add", args=[campaign.pk]),
                           {"kind": "multiple", "text": "q", "choices": "only one",
                            "required": "on"})
    assert response.status_code == 400
    assert campaign.questions.count() == before
    response = client.post(reverse("surveys:question_add", args=[campaign.pk]),
                           {"kind": "multiple", "text": "q", "choices": "a\nb\n", "required": "on"})
    assert response.status_code == 302
    assert campaign.questions.get(text="q").choices == ["a", "b"]
    svc.campaign_open(actor=pm, campaign=campaign)
    with pytest.raises(ActionRefused):  # no edits once open
        svc.question_save(actor=pm, campaign=campaign, kind="text", text="late")


def test_pages_create_and_open(demo, desktop, frozen):
    client = Client()
    client.force_login(demo["pm"])
    response = client.post(reverse("surveys:campaign_new"), {
        "title": "T", "contracts": [desktop.pk], "opens_on": "2026-03-01",
        "closes_on": "2026-03-31", "remind_every_days": 7})
    assert response.status_code == 302
    campaign = Campaign.objects.get(title="T")
    assert client.get(reverse("surveys:campaign_detail", args=[campaign.pk])).status_code == 200
    client.post(reverse("surveys:question_add", args=[campaign.pk]),
                {"kind": "scale", "text": "总体", "required": "on"})
    client.post(reverse("surveys:campaign_open", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.status == "open"
    assert campaign.invitations.count() == len(_audience(desktop))
    listing = client.get(reverse("surveys:campaign_list"))
    assert b'data-testid="campaign-rate">0.0 %' in listing.content
    # Roles without RUN_CAMPAIGNS are refused; an engineer cannot see it.
    other = Client()
    other.force_login(demo["desk"])
    assert other.get(reverse("surveys:campaign_list")).status_code == 403


def test_open_invites_exactly_the_audience(demo, desktop, frozen):
    pm = demo["pm"]
    org = desktop.client
    finance = Department.objects.create(organisation=org, name="财务部-测试")
    inside = User.objects.create(username="fin1", email="fin1@example.com", organisation=org,
                                 department=finance, role=Role.END_USER)
    User.objects.create(username="fin2", email="fin2@example.com", organisation=org,
                        department=finance, role=Role.END_USER, is_active=False)
    contact = User.objects.create(username="fin3", email="fin3@example.com", organisation=org,
                                  department=finance, role=Role.CLIENT_CONTACT)
    campaign = _campaign(pm, desktop, departments=[finance], roles=[Role.END_USER])
    assert svc.campaign_open(actor=pm, campaign=campaign) == 1
    assert set(campaign.invitations.values_list("person_id", flat=True)) == {inside.pk}
    invitation = campaign.invitations.get()
    assert len(invitation.token) >= 43
    mail = Notification.objects.get(recipient=inside, event="campaign_invitation")
    assert f"/q/{invitation.token}" in mail.body
    # Idempotent: nobody new → nothing; a newcomer → one more invitation.
    assert svc.campaign_invite_new(actor=pm, campaign=campaign) == 0
    User.objects.create(username="fin4", email="fin4@example.com", organisation=org,
                        department=finance, role=Role.END_USER)
    assert svc.campaign_invite_new(actor=pm, campaign=campaign) == 1
    assert not campaign.invitations.filter(person=contact).exists()
    # Without filters: every active client person of the contract's client.
    everyone = _campaign(pm, desktop, title="all")
    svc.campaign_open(actor=pm, campaign=everyone)
    assert set(everyone.invitations.values_list("person_id", flat=True)) == _audience(desktop)


def _open(demo, desktop, **extra):
    campaign = _campaign(demo["pm"], desktop, **extra)
    svc.campaign_open(actor=demo["pm"], campaign=campaign)
    return campaign, campaign.invitations.get(person=demo["user"])


def test_answer_page_rules(demo, desktop, frozen):
    campaign, invitation = _open(demo, desktop)
    scale, single, multiple, text = campaign.questions.order_by("ordering")
    url = reverse("surveys:campaign_answer", args=[invitation.token])
    assert url == f"/q/{invitation.token}"
    anonymous = Client()
    assert anonymous.get(url).status_code == 200
    # Required missing, then out of range: refused, nothing stored.
    assert anonymous.post(url, {f"q{single.pk}": "电话"}).status_code == 400
    assert anonymous.post(url, {f"q{scale.pk}": "7"}).status_code == 400
    assert anonymous.post(url, {f"q{scale.pk}": "4", f"q{single.pk}": "传真"}).status_code == 400
    assert not Answer.objects.exists()
    # Another logged-in person: 404.
    other = Client()
    other.force_login(demo["user2"])
    assert other.get(url).status_code == 404
    assert Client().get("/q/not-a-token").status_code == 404
    response = anonymous.post(url, {f"q{scale.pk}": "4", f"q{single.pk}": "门户",
                                    f"q{multiple.pk}": ["速度", "能力"], f"q{text.pk}": "很好"})
    assert response.status_code == 200
    assert b'data-testid="answer-thanks"' in response.content
    invitation.refresh_from_db()
    assert invitation.answered_at is not None
    assert Answer.objects.get(question=multiple).choices == ["速度", "能力"]
    # Once only.
    again = anonymous.post(url, {f"q{scale.pk}": "1"})
    assert b'data-testid="answer-already"' in again.content
    assert Answer.objects.get(question=scale).score == 4
    with pytest.raises(ActionRefused):
        svc.invitation_answer(invitation=invitation, answers={scale.pk: 2})
    # The invitee logged in may answer too (their own link).
    mine = campaign.invitations.get(person=demo["user2"])
    assert other.get(reverse("surveys:campaign_answer", args=[mine.token])).status_code == 200


def test_closed_campaign_refused(demo, desktop, frozen):
    campaign, invitation = _open(demo, desktop)
    scale = campaign.questions.order_by("ordering").first()
    url = reverse("surveys:campaign_answer", args=[invitation.token])
    svc.campaign_close(actor=demo["pm"], campaign=campaign)
    response = Client().post(url, {f"q{scale.pk}": "5"})
    assert response.status_code == 410
    assert not Answer.objects.exists()
    # Outside the dates of an open campaign too.
    later, inv2 = _open(demo, desktop, title="later", opens_on=date(2026, 3, 20))
    assert Client().get(reverse("surveys:campaign_answer", args=[inv2.token])).status_code == 410


def test_reminders_only_to_non_respondents_once_per_interval(demo, desktop, frozen):
    campaign, invitation = _open(demo, desktop)
    scale = campaign.questions.order_by("ordering").first()
    svc.invitation_answer(invitation=invitation, answers={scale.pk: 5})
    pending = campaign.invitations.filter(answered_at__isnull=True).count()
    assert pending >= 1
    assert svc.campaign_reminders_send() == 0  # not yet 3 days
    frozen.shift(timedelta(days=3))
    assert svc.campaign_reminders_send() == pending
    assert svc.campaign_reminders_send() == 0  # same interval: nothing more
    reminders = Notification.objects.filter(event="campaign_reminder")
    assert reminders.count() == pending
    assert not reminders.filter(recipient=demo["user"]).exists()
    frozen.shift(timedelta(days=2))
    assert svc.campaign_reminders_send() == 0
    frozen.shift(timedelta(days=1))
    assert svc.campaign_reminders_send() == pending
    svc.campaign_close(actor=demo["pm"], campaign=campaign)
    frozen.shift(timedelta(days=3))
    assert svc.campaign_reminders_send() == 0


def test_results_and_anonymity(demo, desktop, frozen):
    campaign, invitation = _open(demo, desktop, anonymous=True)
    scale, single, multiple, text = campaign.questions.order_by("ordering")
    svc.invitation_answer(invitation=invitation, answers={
        scale.pk: 5, single.pk: "电话", multiple.pk: ["态度"], text.pk: "保密意见"})
    other = campaign.invitations.get(person=demo["user2"])
    svc.invitation_answer(invitation=other, answers={scale.pk: 2})
    results = sel.campaign_results(campaign)
    assert results["answered"] == 2
    assert results["response_rate"] == round(200 / results["invited"], 1)
    row = results["questions"][0]
    assert row["average"] == 3.5
    assert {d["score"]: d["count"] for d in row["distribution"]}[5] == 1
    assert results["questions"][1]["choice_counts"] == [{"choice": "电话", "count": 1},
                                                       {"choice": "门户", "count": 0}]
    assert results["questions"][3]["texts"] == [{"who": "", "text": "保密意见"}]
    client = Client()
    client.force_login(demo["pm"])
    page = client.get(reverse("surveys:campaign_results", args=[campaign.pk]))
    assert page.status_code == 200
    assert "保密意见" in page.content.decode()
    assert demo["user"].name not in page.content.decode()
    api = APIClient()
    api.force_authenticate(demo["pm"])
    rows = api.get("/api/campaigns/").json()["results"]
    assert rows[0]["answered"] == 2 and rows[0]["response_rate"] == results["response_rate"]
    api.force_authenticate(demo["engineer"])
    assert api.get("/api/campaigns/").status_code == 403


def test_campaign_out_of_scope_is_404(demo, desktop, frozen):
    server = Contract.objects.get(code="DEMO-SERVER")
    campaign = _campaign(demo["pm"], server)
    client = Client()
    client.force_login(demo["delivery"])
    assert client.get(reverse("surveys:campaign_detail", args=[campaign.pk])).status_code == 200
    # A client contact reads dashboards but does not run campaigns.
    client.force_login(demo["client"])
    assert client.get(reverse("surveys:campaign_detail", args=[campaign.pk])).status_code == 403
    assert Question.objects.filter(campaign=campaign).count() == 4
    assert Invitation.objects.count() == 0


def test_question_edit_page_and_open_detail(demo, desktop, frozen):
    campaign = _campaign(demo["pm"], desktop)
    question = campaign.questions.order_by("ordering").last()
    client = Client()
    client.force_login(demo["admin"])
    url = reverse("surveys:question_edit", args=[campaign.pk, question.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"kind": "text", "text": "其他建议"}).status_code == 302
    question.refresh_from_db()
    assert (question.text, question.required) == ("其他建议", False)
    client.post(reverse("surveys:question_delete", args=[campaign.pk, question.pk]))
    assert not Question.objects.filter(pk=question.pk).exists()
    client.post(reverse("surveys:campaign_open", args=[campaign.pk]))
    page = client.get(reverse("surveys:campaign_detail", args=[campaign.pk]))
    assert page.status_code == 200 and b'data-testid="campaign-close"' in page.content
    # Once open, the edit form is gone and a POST to it is refused.
    assert client.post(reverse("surveys:campaign_detail", args=[campaign.pk]),
                       {"title": "x"}).status_code == 403


def test_bad_campaign_input_is_invalid_input_naming_the_field(demo, desktop, frozen):
    pm = demo["pm"]
    with pytest.raises(InvalidInput) as refused:
        svc.campaign_create(actor=pm, title="x", contracts=[desktop], opens_on=date(2026, 3, 5),
                            closes_on=date(2026, 3, 1))
    assert refused.value.status_code == 400 and refused.value.field == "closes_on"
    campaign = _campaign(pm, desktop)
    for kwargs, field in [(dict(kind="single", text="q", choices=["a"]), "choices"),
                          (dict(kind="single", text="q", choices=["a", "a"]), "choices"),
                          (dict(kind="scale", text="  "), "text"),
                          (dict(kind="nonsense", text="q"), "kind")]:
        with pytest.raises(InvalidInput) as refused:
            svc.question_save(actor=pm, campaign=campaign, **kwargs)
        assert refused.value.field == field
    svc.campaign_open(actor=pm, campaign=campaign)
    invitation = campaign.invitations.first()
    scale = campaign.questions.get(kind="scale")
    with pytest.raises(InvalidInput) as refused:
        svc.invitation_answer(invitation=invitation, answers={scale.pk: 9})
    assert refused.value.field == f"q{scale.pk}"
    with pytest.raises(ActionRefused) as refused:  # a refused step stays 409
        svc.campaign_open(actor=pm, campaign=campaign)
    assert refused.value.status_code == 409

"""Issue 15.5: canned replies with placeholders, per contract and shared; resolution templates
prefill the resolve form."""

import pytest
from rest_framework.test import APIClient

from core.errors import PermissionRefused
from sla.models import Contract
from tickets import replies
from tickets.models import CannedReply, Category, ResolutionTemplate
from tickets.services import ticket_comment, ticket_dispatch
from tickets.services.replies import canned_reply_save

TEXT = "{requester}您好，工单 {工单号} 已由 {engineer} 处理，预计 {due} 前完成。{foo}"


@pytest.fixture
def reply(demo):
    return canned_reply_save(actor=demo["desk"], title="已派工", body=TEXT)


def test_it_fills_in_the_placeholders_and_leaves_unknown_ones(demo, file_ticket):
    ticket = ticket_dispatch(actor=demo["desk"], ticket=file_ticket(), assignee=demo["engineer"])
    rendered = replies.render(TEXT, ticket)
    assert rendered.text.startswith(f"{demo['user'].display_name}您好，工单 {ticket.number} 已由 "
                                    f"{demo['engineer'].display_name} 处理")
    assert "{foo}" in rendered.text and rendered.unknown == ("{foo}",)
    assert "{due}" not in rendered.text


def test_it_inserts_a_reply_filled_in_and_escaped(demo, login, file_ticket):
    ticket = file_ticket()
    picked = canned_reply_save(actor=demo["desk"], title="x", body="<b>{number}</b> {bad}")
    body = login(demo["desk"]).get(
        f"/tickets/{ticket.number}/canned/?reply={picked.pk}&target=id_body").content.decode()
    assert f"&lt;b&gt;{ticket.number}&lt;/b&gt; {{bad}}" in body and "<b>" not in body
    assert 'data-canned-insert="id_body"' in body and 'data-testid="canned-unknown"' in body


def test_it_keeps_a_sent_template_escaped(demo, login, file_ticket):
    ticket = file_ticket()
    ticket_comment(actor=demo["desk"], ticket=ticket,
                   body=replies.render("<script>x</script>{number}", ticket).text)
    page = login(demo["user"]).get(f"/tickets/{ticket.number}/").content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in page


def test_it_offers_shared_and_the_contracts_replies_only(demo, login, file_ticket, reply):
    server = Contract.objects.get(code="DEMO-SERVER")
    CannedReply.objects.create(title="服务器专用", body="x", contract=server,
                               updated_at=reply.updated_at)
    ticket = file_ticket()
    page = login(demo["desk"]).get(f"/tickets/{ticket.number}/").content.decode()
    assert "已派工" in page and "服务器专用" not in page and 'data-testid="canned-id_body"' in page
    other = CannedReply.objects.get(title="服务器专用")
    body = login(demo["desk"]).get(
        f"/tickets/{ticket.number}/canned/?reply={other.pk}").content.decode()
    assert "data-canned-insert" not in body


def test_end_users_get_no_picker_and_no_fragment(demo, login, file_ticket, reply):
    ticket = file_ticket()
    client = login(demo["user"])
    assert "canned-id_body" not in client.get(f"/tickets/{ticket.number}/").content.decode()
    assert client.get(f"/tickets/{ticket.number}/canned/?reply={reply.pk}").status_code == 403


def test_the_api_renders_the_replies_for_a_ticket(demo, file_ticket, reply):
    ticket = file_ticket()
    client = APIClient()
    client.force_authenticate(demo["desk"])
    rows = client.get(f"/api/tickets/{ticket.pk}/canned-replies/").json()
    assert rows == [{"id": reply.pk, "title": "已派工", "contract": None,
                     "text": replies.render(TEXT, ticket).text, "unknown": ["{foo}"]}]
    client.force_authenticate(demo["user"])
    assert client.get(f"/api/tickets/{ticket.pk}/canned-replies/").status_code == 403


def test_the_editor_flags_unknown_placeholders(demo, login, reply):
    client = login(demo["desk"])
    page = client.get("/tickets/replies/").content.decode()
    assert 'data-testid="unknown-placeholders"' in page and "{foo}" in page
    response = client.post("/tickets/replies/", {"title": "催确认", "body": "请确认 {numbr}",
                                                 "active": "on"}, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert any("{numbr}" in m for m in messages)
    assert CannedReply.objects.filter(title="催确认", contract=None).exists()
    edit = client.get(f"/tickets/replies/{reply.pk}/").content.decode()
    assert "{foo}" in edit and 'data-testid="unknown-placeholders"' in edit


def test_only_the_desk_and_managers_write_replies(demo, login):
    assert login(demo["engineer"]).get("/tickets/replies/").status_code == 403
    with pytest.raises(PermissionRefused):
        canned_reply_save(actor=demo["engineer"], title="x", body="y")


def test_the_resolve_form_starts_from_the_category_template(demo, login, file_ticket):
    category = Category.objects.filter(service_type__code="hardware").first()
    ResolutionTemplate.objects.create(category=category, code="replaced",
                                      notes="更换了硒鼓，测试打印正常。")
    ticket = ticket_dispatch(actor=demo["desk"], ticket=file_ticket(category=category),
                             assignee=demo["engineer"])
    page = login(demo["engineer"]).get(f"/tickets/{ticket.number}/").content.decode()
    assert '<option value="replaced" selected>' in page
    assert "更换了硒鼓，测试打印正常。</textarea>" in page
    assert 'data-testid="canned-id_resolve_notes"' not in page  # no replies yet

"""URL × role rows for the desk's received-mail pages (merged into tests/test_url_matrix.py):
the roles that log calls, on their contracts; everyone else is refused."""

EXPECTED = {
    "/mail/": ({"admin", "desk", "pm"}, 403, 302),
    "/mail/?all=1": ({"admin", "desk", "pm"}, 403, 302),
    # {mail_id}: a mail held from an unknown sender on the desktop contract.
    "/mail/{mail_id}/": ({"admin", "desk", "pm"}, 403, 302),
    "/mail/{mail_id}/?headers=1": ({"admin", "desk", "pm"}, 403, 302),
}

POST_ONLY = {"mail/<int:pk>/<str:action>/"}


def names() -> dict:
    from mailin.models import InboundMessage, Mailbox
    from mailin.services.intake import mail_process
    from sla.models import Contract
    from tickets.models import ServiceType

    mailbox, _ = Mailbox.objects.get_or_create(
        contract=Contract.objects.get(code="DEMO-DESKTOP"),
        defaults={"service_type": ServiceType.objects.filter(active=True).first()})
    raw = (b"From: stranger@elsewhere.example\r\nTo: desk@huaxin.example\r\n"
           b"Subject: =?utf-8?B?5biu5b+Z?=\r\nMessage-ID: <matrix@elsewhere.example>\r\n\r\nhi\r\n")
    mail_process(mailbox=mailbox, raw=raw)
    return {"mail_id": InboundMessage.objects.get(message_id="<matrix@elsewhere.example>").pk}

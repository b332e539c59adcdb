"""Canned replies' pages (issue 15.5): the desk's list and editor, and the htmx fragment that
puts a reply, filled in for the ticket, into the reply or resolve box."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ActionRefused
from core.forms import BootstrapForm, add_service_error
from sla.selectors import contracts_visible_to
from tickets import replies
from tickets.models import CannedReply, Ticket
from tickets.permissions import may_manage_canned_replies, may_use_canned_replies
from tickets.selectors import canned_replies_for, canned_replies_manageable, ticket_get
from tickets.services.replies import canned_reply_save

# The boxes a reply may be put into (the element ids on the ticket page).
TARGETS = {"id_body", "id_resolve_notes"}


class CannedReplyForm(BootstrapForm):
    title = forms.CharField(max_length=100, label=gettext_lazy("Title"))
    contract = forms.ModelChoiceField(queryset=None, required=False, to_field_name="code",
                                      label=gettext_lazy("Contract"),
                                      empty_label=gettext_lazy("— shared by every contract —"))
    body = forms.CharField(max_length=5000, label=gettext_lazy("Text"),
                           widget=forms.Textarea(attrs={"rows": 5}),
                           help_text=gettext_lazy(
                               "Placeholders: {requester} {number} {engineer} {due} "
                               "(or {报修人} {工单号} {工程师} {到期时间})."))
    active = forms.BooleanField(required=False, initial=True, label=gettext_lazy("Active"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = contracts_visible_to(user).order_by("code")


def _manager(request):
    if not may_manage_canned_replies(request.user):
        raise PermissionDenied


@login_required
def reply_list(request):
    """All replies one may edit, with a form for a new one."""
    _manager(request)
    form = CannedReplyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid() and _save(request, form, None) is not None:
        return redirect("tickets:canned_replies")
    rows = [(r, replies.unknown_placeholders(r.body))
            for r in canned_replies_manageable(user=request.user)]
    return render(request, "tickets/replies.html", {"form": form, "rows": rows})


@login_required
def reply_edit(request, pk: int):
    _manager(request)
    try:
        reply = canned_replies_manageable(user=request.user).get(pk=pk)
    except CannedReply.DoesNotExist:
        raise Http404 from None
    initial = {"title": reply.title, "body": reply.body, "active": reply.active,
               "contract": reply.contract.code if reply.contract_id else None}
    form = CannedReplyForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid() and _save(request, form, reply) is not None:
        return redirect("tickets:canned_replies")
    return render(request, "tickets/reply_edit.html", {
        "form": form, "reply": reply,
        "unknown": replies.unknown_placeholders(form["body"].value() or "")})


def _save(request, form, reply):
    data = form.cleaned_data
    try:
        saved = canned_reply_save(actor=request.user, reply=reply, title=data["title"],
                                  body=data["body"], contract=data["contract"],
                                  active=data["active"])
    except ActionRefused as exc:
        add_service_error(form, exc)
        return None
    unknown = replies.unknown_placeholders(saved.body)
    messages.success(request, _("Canned reply “%(title)s” saved.") % {"title": saved.title})
    if unknown:
        messages.warning(request, _("Not a placeholder, shown as written: %(names)s")
                         % {"names": " ".join(unknown)})
    return saved


@login_required
def reply_insert(request, number: str):
    """htmx: the picked reply filled in for this ticket, for desk.js to put into the box."""
    if not may_use_canned_replies(request.user):
        raise PermissionDenied
    try:
        ticket = ticket_get(user=request.user, number=number)
    except Ticket.DoesNotExist:
        raise Http404 from None
    target = request.GET.get("target", "id_body")
    if target not in TARGETS:
        target = "id_body"
    try:
        reply = canned_replies_for(ticket=ticket).get(pk=int(request.GET.get("reply", "")))
    except (ValueError, CannedReply.DoesNotExist):
        return render(request, "tickets/_canned_insert.html", {"rendered": None})
    return render(request, "tickets/_canned_insert.html", {
        "rendered": replies.render(reply.body, ticket), "target": target})

"""The desk's pages for received mail: the queue of held mail and pending contributions, one
message as received (its headers on demand), and the decisions on it (issue 17.5)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import ActionRefused
from core.forms import BootstrapForm
from core.paging import page_of, query_without_page
from mailin import parsing, selectors
from mailin.models import InboundMessage
from mailin.services import desk

State = InboundMessage.State
# The decisions, what they need and where each may be taken.
ACTIONS = {
    "confirm": desk.message_confirm, "accept": desk.message_accept,
    "reject": desk.message_reject, "split": desk.message_split, "spam": desk.message_spam,
}
NEEDS_REQUESTER = {"confirm", "split"}


class RequesterForm(BootstrapForm):
    requester = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Requester"))

    def __init__(self, *args, message, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["requester"]
        field.queryset = selectors.requester_choices(message)
        field.label_from_instance = lambda person: f"{person.display_name} <{person.email}>"


def _desk(request) -> None:
    if not desk.may_handle_mail(request.user):
        raise PermissionDenied


def _message_or_404(request, pk: int) -> InboundMessage:
    try:
        return selectors.message_get(user=request.user, pk=pk)
    except InboundMessage.DoesNotExist:
        raise Http404 from None


@login_required
def message_list(request):
    _desk(request)
    everything = request.GET.get("all") == "1"
    page = page_of(selectors.message_list(user=request.user, waiting_only=not everything),
                   request.GET.get("page"))
    return render(request, "mailin/list.html", {"page": page, "everything": everything,
                                                "query": query_without_page(request)})


@login_required
def message_detail(request, pk: int):
    _desk(request)
    message = _message_or_404(request, pk)
    parsed = parsing.parse(bytes(message.raw))
    person = None
    if message.state in {State.HELD, State.CONTRIBUTION, State.REPLY, State.ACCEPTED}:
        person = selectors.requester_choices(message).filter(
            email__iexact=message.sender).first()
    return render(request, "mailin/detail.html", {
        "message": message, "parsed": parsed, "show_headers": request.GET.get("headers") == "1",
        "form": RequesterForm(message=message, initial={"requester": person}),
        "can_confirm": message.state == State.HELD,
        "can_accept": message.state == State.CONTRIBUTION,
        "can_reject": message.waiting,
        "can_split": message.state in {State.REPLY, State.CONTRIBUTION, State.ACCEPTED},
        "can_spam": message.state != State.SPAM,
    })


@require_POST
@login_required
def message_act(request, pk: int, action: str):
    _desk(request)
    if action not in ACTIONS:
        raise Http404
    message = _message_or_404(request, pk)
    data = {}
    if action in NEEDS_REQUESTER:
        form = RequesterForm(request.POST, message=message)
        if not form.is_valid():
            messages.error(request, _("Choose the person the ticket is for."))
            return redirect("mailin:detail", pk=message.pk)
        data["requester"] = form.cleaned_data["requester"]
    try:
        message = ACTIONS[action](actor=request.user, message=message, **data)
    except ActionRefused as exc:
        messages.error(request, exc.message)
        return redirect("mailin:detail", pk=message.pk)
    messages.success(request, _("Done: %(state)s.") % {"state": message.get_state_display()})
    if message.ticket is not None and action in NEEDS_REQUESTER:
        return redirect("tickets:detail", number=message.ticket.number)
    return redirect("mailin:detail", pk=message.pk)

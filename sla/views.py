from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from accounts.roles import Capability, can
from itsm.clock import now
from sla.forms import PreviewForm
from sla.models import Contract
from sla.preview import deadline_preview
from sla.selectors import clock_states, sla_board
from sla.selectors import contract_detail as select_contract_detail
from sla.selectors import contract_list as select_contract_list


@login_required
def contract_list(request):
    return render(request, "sla/contract_list.html",
                  {"contracts": select_contract_list(user=request.user)})


@login_required
def contract_detail(request, code: str):
    try:
        contract = select_contract_detail(user=request.user, code=code)
    except Contract.DoesNotExist:
        raise Http404 from None
    return render(request, "sla/contract_detail.html", {"contract": contract})


def _may_read_levels(user) -> bool:
    return can(user, Capability.READ_DASHBOARDS) or can(user, Capability.DISPATCH)


@login_required
def board(request):
    """Breach and at-risk board per contract, for managers (and the desk)."""
    if not _may_read_levels(request.user):
        raise PermissionDenied
    moment = now()
    data = sla_board(user=request.user, at=moment)
    return render(request, "sla/board.html", {
        **data, "now": moment,
        "breached_rows": zip(data["breached"], clock_states(data["breached"], at=moment),
                             strict=True),
        "at_risk_rows": zip(data["at_risk"], clock_states(data["at_risk"], at=moment),
                            strict=True),
    })


@login_required
def preview(request):
    """"A P2 hardware fault filed now would be due at …": the targets and calendars at work."""
    if not _may_read_levels(request.user):
        raise PermissionDenied
    form = PreviewForm(request.GET or None, user=request.user)
    result = None
    if form.is_valid():
        result = deadline_preview(**form.cleaned_data)
    return render(request, "sla/preview.html", {"form": form, "result": result})

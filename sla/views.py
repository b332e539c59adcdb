from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from itsm.clock import now
from sla.models import Contract
from sla.selectors import contract_detail as select_contract_detail
from sla.selectors import contract_list as select_contract_list


@login_required
def contract_list(request):
    today = now().date()
    contracts = list(select_contract_list(user=request.user))
    for contract in contracts:
        contract.active = contract.is_active_on(today)
    return render(request, "sla/contract_list.html", {"contracts": contracts})


@login_required
def contract_detail(request, code: str):
    try:
        contract = select_contract_detail(user=request.user, code=code)
    except Contract.DoesNotExist:
        raise Http404 from None
    contract.active = contract.is_active_on(now().date())
    return render(request, "sla/contract_detail.html", {"contract": contract})

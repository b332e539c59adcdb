"""Bulk actions, page and API adapters: parse the request, call tickets_bulk, show the results.

The API's ``POST /api/tickets/bulk/`` is an action of the ticket viewset (TicketBulkMixin); the
page posts the queue's bulk bar to /tickets/queue/bulk/ and shows one line per refused row.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import User
from accounts.selectors import people_visible_to
from core.errors import ActionRefused, PermissionRefused
from tickets.filters import TicketFilterSet
from tickets.forms import BulkForm
from tickets.models import PendingReason, Priority, ResolutionCode
from tickets.permissions import may_act_in_bulk
from tickets.selectors import ID_MAX, bulk_assignee_rows, bulk_assignees, ticket_list
from tickets.services import BULK_ACTIONS, BULK_MAX, bulk_summary, tickets_bulk

# What each action needs besides the ids.
REQUIRED = {"dispatch": ["assignee"], "priority": ["priority"], "pend": ["reason"],
            "comment": ["body"], "resolve": ["notes"]}


def bulk_context(user, page, query: str) -> dict:
    """The queue page's bulk bar: its form with a fresh submission key, and how many tickets
    "all matching" would touch. One page's tickets are counted as they are; over several pages
    the count is asked for only when "all matching" is ticked (queue_bulk_count), so no view
    of the queue pays for a count its reader rarely wants (issue 19, tenth pass)."""
    if page.has_next or page.has_previous:
        counted = {"matching_count": None,
                   "matching_count_url": f"{reverse('tickets:queue_bulk_count')}?{query}"}
    else:
        counted = {"matching_count": len(page.object_list)}
    form = BulkForm(initial={"key": uuid.uuid4().hex}, engineers=User.objects.none())
    # The list only names the engineers: read as rows by a query compiled once per visibility
    # rule (bulk_assignee_rows), not as 60-odd model instances through ModelChoiceIterator's
    # server-side cursor (DECLARE, FETCH, CLOSE: three round trips) nor by a queryset built on
    # every page (1-2 ms of the queue page, bench/README.md issue 19). The form shown is never
    # cleaned; a posted one validates against bulk_assignees.
    field = form.fields["assignee"]
    field.choices = [("", field.empty_label), *(
        (pk, User.name_shown(*names)) for pk, *names in bulk_assignee_rows(user=user))]
    return {"bulk_form": form, "bulk_max": BULK_MAX, **counted}


def _matching(request, filters: QueryDict):
    """The tickets the queue shows for these filters, in its order: what "all matching" means."""
    filters = filters.copy()
    filters.setdefault("view", "open")
    return TicketFilterSet(filters, queryset=ticket_list(user=request.user), request=request).qs


def count_matching(matching) -> tuple[int, bool]:
    """How many tickets match, up to BULK_MAX, and whether more do. Counted in the queue's own
    order: PostgreSQL then walks the index the page was read by and stops at the limit.
    Unordered, it chose a bitmap over every open ticket in scope: for a queue search (打印机 at
    1,000,000 tickets) 15.9 ms and 8,088 pages against 9.7 ms and 1,000 (bench/README.md,
    issue 19, ninth pass)."""
    count = matching[:BULK_MAX + 1].count()
    return min(count, BULK_MAX), count > BULK_MAX


@login_required
@require_GET
def queue_bulk_count(request):
    """The bulk bar's "all matching", counted when ticked: JSON with the count (at most
    BULK_MAX), whether more match, and the label to show, for the queue's filters."""
    if not may_act_in_bulk(request.user):
        raise PermissionDenied
    count, over = count_matching(_matching(request, request.GET))
    if over:
        label = _("more than %(max)s match") % {"max": BULK_MAX}
    else:
        label = ngettext("all %(n)s matching", "all %(n)s matching", count) % {"n": count}
    return JsonResponse({"count": count, "over": over, "max": BULK_MAX, "label": label})


class BulkInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=BULK_ACTIONS)
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=ID_MAX),
                                allow_empty=False, max_length=BULK_MAX,
                                help_text=f"Ticket ids, at most {BULK_MAX}.")
    key = serializers.CharField(required=False, allow_blank=True, max_length=100, default="",
                                help_text="Submission key (or the Idempotency-Key header): the "
                                          "same key within a day returns the first results.")
    assignee = serializers.PrimaryKeyRelatedField(queryset=User.objects.none(), required=False,
                                                  help_text="dispatch: the engineer's id.")
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    reason = serializers.ChoiceField(choices=PendingReason.choices, required=False,
                                     help_text="pend: what the tickets wait for.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    body = serializers.CharField(required=False, max_length=20000, help_text="comment: text.")
    internal = serializers.BooleanField(required=False, default=False,
                                        help_text="comment: an internal note.")
    code = serializers.ChoiceField(choices=ResolutionCode.choices, required=False,
                                   default=ResolutionCode.DUPLICATE,
                                   help_text="resolve: the code (default: duplicate).")
    notes = serializers.CharField(required=False, max_length=20000,
                                  help_text="resolve: what was done.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["assignee"].queryset = people_visible_to(request.user)

    def validate(self, data):
        missing = [f for f in REQUIRED[data["action"]] if data.get(f) in (None, "")]
        if missing:
            raise serializers.ValidationError(
                {f: [_("This field is required.")] for f in missing})
        return data


BulkResultSerializer = inline_serializer("BulkResults", {
    "results": serializers.ListField(child=inline_serializer("BulkResult", {
        "id": serializers.IntegerField(), "number": serializers.CharField(allow_null=True),
        "ok": serializers.BooleanField(), "detail": serializers.CharField()}))})


class TicketBulkMixin:
    """``POST /api/tickets/bulk/`` on the ticket viewset."""

    @extend_schema(request=BulkInputSerializer, responses=BulkResultSerializer, parameters=[
        OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False)])
    @action(detail=False, methods=["post"], pagination_class=None, filterset_class=None)
    def bulk(self, request):
        """One action on many tickets; a result per id. A refused row never undoes others."""
        if not may_act_in_bulk(request.user):  # 403 before any field error
            raise PermissionRefused(_("Your role has no bulk actions."))
        form = BulkInputSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        key = data.pop("key") or request.headers.get("Idempotency-Key", "")[:100]
        results = tickets_bulk(actor=request.user, action=data.pop("action"),
                               ids=data.pop("ids"), fields=data, key=key)
        return Response({"results": results})


@login_required
@require_POST
def queue_bulk(request):
    """The queue's bulk bar: the ticked rows, or every ticket matching the queue's filters."""
    user = request.user
    if not may_act_in_bulk(user):
        raise PermissionDenied
    form = BulkForm(request.POST, engineers=bulk_assignees(user=user))
    query = request.POST.get("query", "")[:2000]
    back = reverse("tickets:queue") + (f"?{query}" if query else "")
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    data = form.cleaned_data
    if data["all_matching"]:
        matching = _matching(request, QueryDict(query))
        ids = list(matching.values_list("pk", flat=True)[:BULK_MAX + 1])
        if len(ids) > BULK_MAX:
            messages.error(request, _("More than %(max)s tickets match: narrow the filters.")
                           % {"max": BULK_MAX})
            return redirect(back)
    else:
        ids = [int(v) for v in request.POST.getlist("ids")[:BULK_MAX + 1]
               if v.isdigit() and 0 < int(v) <= ID_MAX]
    fields = {"assignee": data["assignee"], "priority": data["priority"],
              "reason": data["reason"], "body": data["body"], "notes": data["body"],
              "internal": data["internal"], "code": ResolutionCode.DUPLICATE}
    missing = [f if f != "notes" else "body" for f in REQUIRED[data["action"]]
               if fields.get(f) in (None, "")]
    if missing:
        messages.error(request, _("Fill in: %(fields)s.")
                       % {"fields": ", ".join(str(form.fields[f].label) for f in missing)})
        return redirect(back)
    try:
        results = tickets_bulk(actor=user, action=data["action"], ids=ids, fields=fields,
                               key=data["key"])
    except ActionRefused as exc:
        messages.error(request, exc.message)
        return redirect(back)
    summary = bulk_summary(results)
    if all(r["ok"] for r in results):
        messages.success(request, summary)
    else:
        messages.warning(request, summary)
    return redirect(back)

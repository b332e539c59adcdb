"""Saved views of the queue (issue 15.2), page and API adapters (services in
tickets/services/saved_views.py, reads in tickets/selectors_saved_views.py).

Pages: the queue's tab strip lists the views with a count badge; POST-only URLs save the
current filters and columns (/tickets/queue/views/), rename and delete one, each back to the
queue. API: ``GET/POST /api/saved-views/`` and ``DELETE /api/saved-views/{id}/``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.response import Response

from core.errors import ActionRefused, InvalidInput
from sla.models import Contract
from sla.selectors import contracts_visible_to
from tickets.models import SavedView
from tickets.permissions import may_see_queue
from tickets.queue_columns import COLUMN_KEYS
from tickets.selectors import ID_MAX
from tickets.selectors_saved_views import (
    saved_view_counts,
    saved_views_list,
    saved_views_visible_to,
)
from tickets.services.saved_views import (
    NAME_MAX,
    may_change_saved_view,
    saved_view_create,
    saved_view_delete,
    saved_view_rename,
)


def saved_views_context(request) -> dict:
    """The queue page's saved views: each with its count (one query for all) and whether the
    person may rename or delete it."""
    user = request.user
    views = saved_views_list(user)
    counts = saved_view_counts(user, views, request=request)
    for view in views:
        view.count = counts[view.pk]
        view.changeable = may_change_saved_view(user, view)
        view.link = saved_view_link(view)
    return {"saved_views": views, "saved_view_name_max": NAME_MAX}


def saved_view_link(view: SavedView) -> str:
    """The queue's query string for a view: its filters, then its columns in their order."""
    data = QueryDict(view.query, mutable=True)
    data.setlist("columns", view.columns)
    return data.urlencode()


def _back(query: str = ""):
    url = reverse("tickets:queue")
    return redirect(f"{url}?{query}" if query else url)


def _view_or_404(user, pk: int) -> SavedView:
    if pk > ID_MAX:
        raise Http404
    try:
        return saved_views_visible_to(user).get(pk=pk)
    except SavedView.DoesNotExist:
        raise Http404 from None


def _contract(user, code: str) -> Contract | None:
    if not code:
        return None
    return contracts_visible_to(user).filter(code=code[:50]).first()


@login_required
@require_POST
def save(request):
    if not may_see_queue(request.user):
        raise PermissionDenied
    query = request.POST.get("query", "")
    # The columns the queue shows now (its `columns` parameters), unless the form sends some.
    columns = (request.POST.getlist("columns")
               or QueryDict(query.lstrip("?")[:2000]).getlist("columns"))
    code = request.POST.get("contract", "")
    contract = _contract(request.user, code)
    try:
        if code and contract is None:
            raise InvalidInput(_("Choose one of your contracts."), field="contract")
        view = saved_view_create(actor=request.user, name=request.POST.get("name", ""),
                                 query=query, contract=contract,
                                 shared=request.POST.get("shared") == "on",
                                 columns=columns[:len(COLUMN_KEYS) + 1])
    except ActionRefused as exc:
        messages.error(request, exc.message)
        return _back(query.lstrip("?")[:500])
    messages.success(request, _("View saved: %(name)s.") % {"name": view.name})
    return _back(saved_view_link(view))


@login_required
@require_POST
def rename(request, pk: int):
    view = _view_or_404(request.user, pk)
    try:
        saved_view_rename(actor=request.user, view=view, name=request.POST.get("name", ""))
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("View renamed: %(name)s.") % {"name": view.name})
    return _back(saved_view_link(view))


@login_required
@require_POST
def delete(request, pk: int):
    view = _view_or_404(request.user, pk)
    try:
        saved_view_delete(actor=request.user, view=view)
    except ActionRefused as exc:
        messages.error(request, exc.message)
        return _back(saved_view_link(view))
    messages.success(request, _("View deleted: %(name)s.") % {"name": view.name})
    return _back()


class SavedViewSerializer(serializers.ModelSerializer):
    contract = serializers.SlugRelatedField(slug_field="code", queryset=Contract.objects.none(),
                                            required=False, allow_null=True)
    owner = serializers.CharField(source="owner.username", read_only=True)
    query = serializers.CharField(max_length=500, allow_blank=True, required=False, default="",
                                  help_text="The queue's query string, e.g. "
                                            "view=unassigned&priority=P1&sort=sla_due_at.")
    name = serializers.CharField(max_length=200)
    columns = serializers.ListField(
        child=serializers.ChoiceField(choices=COLUMN_KEYS), required=False, default=list,
        max_length=len(COLUMN_KEYS),
        help_text="The queue's columns in the order shown (number first if left out); empty "
                  "or absent: the default columns.")

    class Meta:
        model = SavedView
        fields = ["id", "name", "query", "columns", "contract", "shared", "owner", "created_at"]
        read_only_fields = ["id", "owner", "created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["contract"].queryset = contracts_visible_to(request.user)


class SavedViewViewSet(mixins.ListModelMixin, mixins.CreateModelMixin,
                       mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Saved views of the queue: your own and those shared with your contracts' teams.
    Deleting: the owner, or for a shared view the project manager of its contract."""

    serializer_class = SavedViewSerializer
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return SavedView.objects.none()
        if not may_see_queue(self.request.user):
            raise ApiPermissionDenied
        return saved_views_visible_to(self.request.user)

    def get_object(self):
        pk = self.kwargs.get("pk", "")
        if not str(pk).isdigit() or int(pk) > ID_MAX:
            raise Http404
        return super().get_object()

    def create(self, request, *args, **kwargs):
        if not may_see_queue(request.user):
            raise ApiPermissionDenied
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        view = saved_view_create(actor=request.user, name=data["name"], query=data["query"],
                                 contract=data.get("contract"), shared=data.get("shared", False),
                                 columns=data.get("columns") or [])
        return Response(self.get_serializer(view).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        saved_view_delete(actor=self.request.user, view=instance)

"""Pieces the problem, change and notice APIs share (k18chg)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.pagination import CursorPagination

from sla.selectors import contracts_visible_to


class NewestFirst(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


@extend_schema_field(OpenApiTypes.STR)
class ContractField(serializers.SlugRelatedField):
    """A contract by code, among those the caller sees (another answers 400)."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return contracts_visible_to(request.user) if request else None


def get_or_404(queryset, **lookup):
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None


class DismissReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class ApprovalCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True,
                                    default="")

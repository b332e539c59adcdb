"""The service catalogue for building a filing form: service types, categories, statuses."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from tickets.models import Category, ServiceType, Status


class CatalogueView(APIView):
    """Service types and their categories, for building a filing form."""

    @extend_schema(responses=inline_serializer("Catalogue", {
        "service_types": serializers.ListField(child=serializers.DictField()),
        "statuses": serializers.ListField(child=serializers.DictField())}))
    def get(self, request):
        categories = Category.objects.filter(active=True).order_by("service_type_id", "name")
        return Response({
            "service_types": [
                {"code": st.code, "name": st.label, "needs_on_site": st.needs_on_site,
                 "categories": [{"id": c.pk, "name": c.label, "parent": c.parent_id}
                                for c in categories if c.service_type_id == st.pk]}
                for st in ServiceType.objects.filter(active=True)],
            "statuses": [{"value": v, "label": str(label)} for v, label in Status.choices],
        })

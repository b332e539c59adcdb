"""GET /api/search/?q=…[&kind=…]: the global search for programs (contract in issue 15)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.search.selectors import KINDS, Q_MAX, Q_MIN, clean_query, search

API_LIMIT = 20

RESULT_FIELDS = {
    "kind": serializers.ChoiceField(choices=KINDS),
    "id": serializers.IntegerField(),
    "title": serializers.CharField(),
    "number": serializers.CharField(required=False, help_text="tickets and complaints"),
    "snippet": serializers.CharField(),
    "url": serializers.CharField(),
}


class SearchView(APIView):
    """Tickets, assets, complaints and people (the provider's staff only) the caller may see
    that contain ``q`` literally, best first within each kind, up to 20 of each. ``article``
    is accepted and finds nothing until the knowledge base exists."""

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, required=True,
                             description=f"{Q_MIN}–{Q_MAX} characters, matched literally"),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=list(KINDS)),
        ],
        responses=inline_serializer("SearchResults", {
            "results": inline_serializer("SearchResult", RESULT_FIELDS, many=True)}),
    )
    def get(self, request):
        q, kind = clean_query(request.query_params.get("q"), request.query_params.get("kind"))
        results = search(user=request.user, q=q, kind=kind, limit=API_LIMIT)
        return Response({"results": [r.as_dict() for r in results]})

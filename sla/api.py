from rest_framework import serializers, viewsets

from accounts.api import PersonRefSerializer
from sla.models import Contract, ContractMember, ServiceCalendar
from sla.selectors import contract_list


class CalendarSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceCalendar
        fields = ["code", "name", "hours", "holidays", "time_zone"]


class MemberSerializer(serializers.ModelSerializer):
    person = PersonRefSerializer(source="user")

    class Meta:
        model = ContractMember
        fields = ["person", "duty"]


class ContractSerializer(serializers.ModelSerializer):
    client = serializers.CharField(source="client.name")
    provider = serializers.CharField(source="provider.name")
    calendar = CalendarSerializer()
    project_manager = PersonRefSerializer()

    class Meta:
        model = Contract
        fields = ["id", "code", "name", "client", "provider", "starts_on", "ends_on", "scope",
                  "calendar", "project_manager", "desk_phone", "desk_email"]


class ContractDetailSerializer(ContractSerializer):
    team = MemberSerializer(source="members", many=True)
    client_contacts = PersonRefSerializer(many=True)
    sites = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta(ContractSerializer.Meta):
        fields = [*ContractSerializer.Meta.fields, "team", "client_contacts", "sites"]


class ContractViewSet(viewsets.ReadOnlyModelViewSet):
    """Service contracts the caller may see (their own; management roles see all)."""

    lookup_field = "code"
    filterset_fields = {"client__code": ["exact"], "starts_on": ["lte"], "ends_on": ["gte"]}
    search_fields = ["code", "name", "client__name"]
    ordering_fields = ["code", "starts_on", "ends_on"]

    def get_queryset(self):
        contracts = contract_list(user=self.request.user)
        if self.action == "retrieve":
            contracts = contracts.prefetch_related(
                "members__user", "client_contacts", "sites"
            )
        return contracts

    def get_serializer_class(self):
        return ContractDetailSerializer if self.action == "retrieve" else ContractSerializer

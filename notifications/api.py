"""REST API of the bell (issue 15, a contract):

- ``GET /api/notifications/?unread=true`` → the caller's in-app notifications (``id``,
  ``event``, ``title``, ``url``, ``created_at``, ``read_at``), newest first, paged like every
  list (``count``, ``next``, ``previous``, ``results``);
- ``POST /api/notifications/read/`` with ``{"ids": [...]}`` or ``{"all": true}`` → ``{"marked":
  n}``. Ids of other people's notifications are ignored like ids that do not exist: the answer
  is the same, so it tells nothing about them.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.errors import InvalidInput
from notifications.inbox import in_app_mark_read
from notifications.models import InAppNotification
from notifications.selectors import my_notifications

TRUE = {"true", "1", "yes"}
FALSE = {"false", "0", "no", ""}


class InAppNotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = InAppNotification
        fields = ["id", "event", "title", "url", "created_at", "read_at"]
        read_only_fields = fields


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**62),
                                required=False, max_length=500)
    all = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs):
        if not attrs.get("all") and "ids" not in attrs:
            raise serializers.ValidationError({"ids": ["Send ids, or all: true."]})
        return attrs


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = InAppNotificationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return InAppNotification.objects.none()
        unread = self.request.query_params.get("unread", "").strip().lower()
        if unread not in TRUE | FALSE:
            raise InvalidInput("unread is true or false.", field="unread")
        return my_notifications(person=self.request.user, unread=unread in TRUE)

    @extend_schema(parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL,
                                                description="Only unread notifications.")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=MarkReadSerializer,
                   responses=inline_serializer("MarkedRead",
                                               {"marked": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="read", serializer_class=MarkReadSerializer)
    def read(self, request):
        data = MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marked = in_app_mark_read(person=request.user, ids=data.validated_data.get("ids"),
                                  everything=data.validated_data["all"])
        return Response({"marked": marked})


def register_routes(router) -> None:
    router.register("notifications", NotificationViewSet, basename="notification")

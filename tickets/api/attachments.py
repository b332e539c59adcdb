"""Attachments in the ticket API: how one is listed, the upload's input, and the download of the
file itself after the same permission check as the page."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from core import uploads as files
from tickets.models import Attachment
from tickets.selectors import attachment_get


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "internal", "created_at",
                  "download_url"]

    def get_download_url(self, attachment) -> str:
        return self.context["request"].build_absolute_uri(f"/api/attachments/{attachment.pk}/")


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    internal = serializers.BooleanField(default=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_file(self, upload):
        try:
            files.validate_upload(upload)
        except files.AttachmentError as exc:
            raise serializers.ValidationError(exc.message, code=exc.code) from None
        return upload




class AttachmentDownloadView(APIView):
    """The file itself, after the same permission check as the page."""

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, pk: int):
        try:
            attachment = attachment_get(user=request.user, pk=pk)
        except Attachment.DoesNotExist:
            raise Http404 from None
        return files.download_response(attachment)

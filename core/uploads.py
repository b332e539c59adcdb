"""Storing and checking uploaded files: limits from settings, names made by the server."""

from __future__ import annotations

import mimetypes
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from core.errors import InvalidInput


class AttachmentError(InvalidInput):
    """A file that the limits refuse: HTTP 400 naming the file field."""

    default_code = "invalid_file"


def storage() -> FileSystemStorage:
    # base_url=None: files under MEDIA_ROOT have no URL; only the download view serves them.
    return FileSystemStorage(location=settings.MEDIA_ROOT, base_url=None)


def validate_upload(upload) -> str:
    """Check one uploaded file against the limits; returns its lower-case extension."""
    name = PurePath(upload.name or "").name
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in settings.ATTACHMENT_EXTENSIONS:
        raise AttachmentError(
            _("%(name)s: files of this type are not accepted (allowed: %(types)s).")
            % {"name": name, "types": ", ".join(settings.ATTACHMENT_EXTENSIONS)})
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise AttachmentError(
            _("%(name)s is larger than %(limit)d MB.")
            % {"name": name, "limit": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)})
    if upload.size == 0:
        raise AttachmentError(_("%(name)s is empty.") % {"name": name})
    return extension


def validate_uploads(uploads) -> None:
    if len(uploads) > settings.ATTACHMENT_MAX_FILES:
        raise AttachmentError(_("At most %(n)d files at a time.")
                              % {"n": settings.ATTACHMENT_MAX_FILES})
    for upload in uploads:
        validate_upload(upload)


def save_upload(upload, *, when) -> dict:
    """Write the file under a random name; returns the Attachment fields describing it."""
    extension = validate_upload(upload)
    storage_name = f"attachments/{when:%Y/%m}/{uuid.uuid4().hex}.{extension}"
    saved = storage().save(storage_name, upload)
    content_type = mimetypes.guess_type(f"x.{extension}")[0] or "application/octet-stream"
    return {
        "original_name": PurePath(upload.name).name[:255],
        "storage_name": saved,
        "content_type": content_type,
        "size": upload.size,
    }


def delete_stored(storage_names) -> None:
    files = storage()
    for name in storage_names:
        files.delete(name)


def download_response(attachment):
    """The file as a download, never rendered by the browser (pages and API both use this)."""
    files = storage()
    if not files.exists(attachment.storage_name):
        raise Http404
    response = FileResponse(files.open(attachment.storage_name, "rb"), as_attachment=True,
                            filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response

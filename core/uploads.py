"""Storing and checking uploaded files: limits from settings, names made by the server, and
the content checked against the extension it claims (an `MZ` program named invoice.pdf is
refused, not stored and served as a PDF)."""

from __future__ import annotations

import uuid
import zipfile
from collections.abc import Callable
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from core.errors import InvalidInput


class AttachmentError(InvalidInput):
    """A file that the limits refuse: HTTP 400 naming the file field."""

    default_code = "invalid_file"

    def __init__(self, message: str, *, field: str | None = "uploads", **kwargs):
        # "uploads" is the services' argument name; adapters map it to their own field.
        super().__init__(message, field=field, **kwargs)


def storage() -> Storage:
    """Where uploads live: STORAGES["default"], local disk under MEDIA_ROOT or an object store
    shared by every web node (itsm/settings/scale.py). Neither gives files a public URL; the
    download views below serve them, after their permission checks."""
    return default_storage


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
    checked_content_type(upload, name, extension)
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
    content_type = checked_content_type(upload, PurePath(upload.name).name, extension)
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


# Shown in the browser's own viewer: nothing in the file may run or load anything (sandbox),
# and the browser must not guess another type than the one the content check stored (nosniff).
INLINE_CONTENT_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp",
                                  "application/pdf"})
INLINE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def inline_response(attachment):
    """Images and PDFs to look at in the browser; every other type stays a download."""
    if attachment.content_type not in INLINE_CONTENT_TYPES:
        return download_response(attachment)
    files = storage()
    if not files.exists(attachment.storage_name):
        raise Http404
    response = FileResponse(files.open(attachment.storage_name, "rb"), as_attachment=False,
                            filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = INLINE_CSP
    response["Cache-Control"] = "private, no-store"
    return response


# --- content ----------------------------------------------------------------------------------

HEAD_BYTES = 8192
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # doc, xls, ppt, msg: a Compound File
# Programs and scripts that no allowed type begins with.
EXECUTABLES = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe",
               b"#!")
OOXML = "application/vnd.openxmlformats-officedocument."


def _read_all(upload) -> bytes:
    upload.seek(0)
    content = upload.read(settings.ATTACHMENT_MAX_BYTES + 1)
    upload.seek(0)
    return content


def _guessed(*mimes: str) -> Callable:
    return lambda head, upload: filetype.guess_mime(head) in mimes


def _starts(*signatures: bytes) -> Callable:
    return lambda head, upload: head.startswith(signatures)


def _is_text(head, upload) -> bool:
    """Text: no NUL, and decodes as UTF-8 (BOM or not), UTF-16 with a BOM, or GB18030 (what
    Chinese Windows writes)."""
    content = _read_all(upload)
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = content.decode("utf-16")
        except UnicodeDecodeError:
            return False
        return "\x00" not in text
    if b"\x00" in content:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return not content.startswith(EXECUTABLES[:-1])
    return False


def _no_nul(head, upload) -> bool:
    """Mail saved as .eml is text in any charset: no NUL byte and not a program."""
    return b"\x00" not in _read_all(upload) and not head.startswith(EXECUTABLES[:-1])


def _ooxml(folder: str) -> Callable:
    """docx/xlsx/pptx are zips with [Content_Types].xml and their part folder."""
    def check(head, upload) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        upload.seek(0)
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return False
        finally:
            upload.seek(0)
        return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)
    return check


def _zip(head, upload) -> bool:
    if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return False
    upload.seek(0)
    try:
        return zipfile.is_zipfile(upload)
    finally:
        upload.seek(0)


def _heic(head, upload) -> bool:
    # ISO BMFF: a "ftyp" box whose major brand is one of HEIF's.
    return head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"hevc", b"heim", b"heis",
                                                   b"mif1", b"msf1")


# extension → (the content type stored and served, the check of the bytes)
KINDS: dict[str, tuple[str, Callable]] = {
    "jpg": ("image/jpeg", _guessed("image/jpeg")),
    "jpeg": ("image/jpeg", _guessed("image/jpeg")),
    "png": ("image/png", _guessed("image/png")),
    "gif": ("image/gif", _guessed("image/gif")),
    "webp": ("image/webp", _guessed("image/webp")),
    "heic": ("image/heic", _heic),
    "pdf": ("application/pdf", _starts(b"%PDF-")),
    "txt": ("text/plain", _is_text),
    "log": ("text/plain", _is_text),
    "csv": ("text/csv", _is_text),
    "doc": ("application/msword", _starts(OLE)),
    "xls": ("application/vnd.ms-excel", _starts(OLE)),
    "ppt": ("application/vnd.ms-powerpoint", _starts(OLE)),
    "msg": ("application/vnd.ms-outlook", _starts(OLE)),
    "docx": (OOXML + "wordprocessingml.document", _ooxml("word/")),
    "xlsx": (OOXML + "spreadsheetml.sheet", _ooxml("xl/")),
    "pptx": (OOXML + "presentationml.presentation", _ooxml("ppt/")),
    "zip": ("application/zip", _zip),
    "7z": ("application/x-7z-compressed", _starts(b"7z\xbc\xaf\x27\x1c")),
    "rar": ("application/vnd.rar", _starts(b"Rar!\x1a\x07")),
    "eml": ("message/rfc822", _no_nul),
}


def checked_content_type(upload, name: str, extension: str) -> str:
    """The content type of an upload whose bytes are what its extension claims; refuses a
    mismatch naming the file. An extension added in ATTACHMENT_EXTENSIONS without a check here
    is stored as application/octet-stream, and refused when it is a program."""
    cached = getattr(upload, "_checked_content_type", None)
    if cached is not None:
        return cached
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    content_type, matches = KINDS.get(extension, ("application/octet-stream", None))
    ok = matches(head, upload) if matches else not head.startswith(EXECUTABLES)
    if not ok:
        raise AttachmentError(
            _("%(name)s: the content is not a .%(extension)s file; the file was refused.")
            % {"name": name, "extension": extension}, code="content_mismatch")
    upload._checked_content_type = content_type
    return content_type

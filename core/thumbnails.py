"""Thumbnails of image attachments, made on the server with Pillow and kept in storage.

The original is never shown resized by the browser: a thumbnail is a new JPEG drawn from the
pixels only (EXIF orientation applied first, then no EXIF, GPS, ICC or comment copied), so a
photo's location never leaves the server through its thumbnail. Made once, on first view, and
read back from storage after that; an image Pillow cannot read has no thumbnail (None)."""

from __future__ import annotations

import hashlib
import io
import logging
import warnings

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from core import uploads

logger = logging.getLogger(__name__)

THUMBNAIL_SIZE = (320, 320)
# What browsers show inline and Pillow reads without plugins (HEIC has neither).
VIEWABLE_IMAGES = uploads.INLINE_CONTENT_TYPES - {"application/pdf"}
# Refuse to decode anything larger: a small file can claim a huge canvas (a decompression bomb).
MAX_PIXELS = 50_000_000


def has_thumbnail(content_type: str) -> bool:
    return content_type in VIEWABLE_IMAGES


def thumbnail_name(storage_name: str) -> str:
    digest = hashlib.sha256(storage_name.encode()).hexdigest()[:32]
    return f"thumbnails/{digest[:2]}/{digest}-{THUMBNAIL_SIZE[0]}.jpg"


def render_thumbnail(source) -> bytes:
    """A JPEG thumbnail of an image file object: upright, RGB, no metadata."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(source) as image:
            if image.width * image.height > MAX_PIXELS:
                raise Image.DecompressionBombError("image too large")
            image.seek(0)  # the first frame of a GIF or animated WebP
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail(THUMBNAIL_SIZE)
            if upright.mode not in ("RGB", "L"):
                background = Image.new("RGB", upright.size, "white")
                rgba = upright.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                upright = background
            out = io.BytesIO()
            # No exif=, icc_profile= or comment=: Pillow writes none of them unless asked.
            upright.save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()


def thumbnail_bytes(storage_name: str, content_type: str) -> bytes | None:
    """The stored thumbnail of an attachment, made on first use; None if it cannot have one."""
    if not has_thumbnail(content_type):
        return None
    files = uploads.storage()
    name = thumbnail_name(storage_name)
    if files.exists(name):
        with files.open(name, "rb") as cached:
            return cached.read()
    if not files.exists(storage_name):
        return None
    try:
        with files.open(storage_name, "rb") as source:
            content = render_thumbnail(source)
    except (UnidentifiedImageError, Image.DecompressionBombError,
            Image.DecompressionBombWarning, OSError, ValueError, SyntaxError) as exc:
        logger.info("no thumbnail for %s: %s", storage_name, exc)
        return None
    if not files.exists(name):  # two first views at once: the second keeps the first's file
        files.save(name, ContentFile(content))
    return content


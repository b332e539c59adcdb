"""Checking a signature drawn on the signing pad: a real PNG, small, and with strokes on it.

A blank canvas exported by the pad is a valid PNG too; it is refused by counting the "ink"
pixels (not transparent and not near-white), so an empty or accidentally tapped pad cannot
stand for someone's signature.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from core.errors import InvalidInput

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# A channel value above this counts as white paper, not ink.
WHITE_LEVEL = 230
ALPHA_LEVEL = 32
MAX_PIXELS = 4096 * 4096


def _max_bytes() -> int:
    return getattr(settings, "SIGNATURE_MAX_BYTES", 1024 * 1024)


def _min_ink() -> int:
    return getattr(settings, "SIGNATURE_MIN_INK_PIXELS", 150)


def ink_pixels(image: Image.Image) -> int:
    """How many pixels carry ink: visible (alpha) and darker than near-white."""
    rgba = image.convert("RGBA")
    alpha = rgba.getchannel("A").point(lambda v: 255 if v > ALPHA_LEVEL else 0)
    grey = rgba.convert("L").point(lambda v: 255 if v < WHITE_LEVEL else 0)
    # Both masks at 255 where a pixel is inked: multiply as 1-bit images.
    inked = Image.composite(grey, Image.new("L", rgba.size, 0), alpha)
    return inked.histogram()[255]


def signature_png(upload) -> bytes:
    """The checked PNG bytes of an uploaded signature, or InvalidInput on ``signature``."""
    if upload is None:
        raise InvalidInput(_("Draw the signature first."), field="signature")
    limit = _max_bytes()
    if upload.size > limit:
        raise InvalidInput(_("The signature is larger than %(kb)d KB.")
                           % {"kb": limit // 1024}, field="signature")
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(_("The signature is larger than %(kb)d KB.")
                           % {"kb": limit // 1024}, field="signature")
    if not data.startswith(PNG_MAGIC):
        raise InvalidInput(_("The signature must be a PNG image."), field="signature")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()  # the chunks' checksums: a truncated or forged file fails here
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG" or image.width * image.height > MAX_PIXELS:
                raise InvalidInput(_("The signature must be a PNG image."), field="signature")
            image.load()
            inked = ink_pixels(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError) as exc:
        raise InvalidInput(_("The signature must be a PNG image."), field="signature") from exc
    if inked < _min_ink():
        raise InvalidInput(_("The signature pad is blank: sign on it first."),
                           field="signature")
    return data

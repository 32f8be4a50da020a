"""Read uploaded images safely and cut renditions from a placement's capability data.

Everything here is Pillow and plain data: no models, no permissions. The type of a file
is what Pillow finds in its bytes, never its name or the browser's word. Sizes, aspect
ratios and formats come from the connector's `MediaSpec`, so no network is named here.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from socialops.connectors.capabilities import MediaSpec, PlacementSpec

# What Pillow calls the formats we accept, and the MIME type each one is stored as.
ACCEPTED_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# The encoders we can write a rendition with, in order of preference for photographs.
ENCODERS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
PREVIEW_SIZE = 960
JPEG_QUALITY = 88


@dataclass(frozen=True)
class SniffedImage:
    """What an upload turned out to be, once decoded in full."""

    mime: str
    width: int
    height: int
    size_bytes: int


@dataclass(frozen=True)
class Encoded:
    """An image encoded for a target, ready to be stored."""

    data: bytes
    mime: str
    width: int
    height: int

    @property
    def extension(self) -> str:
        return {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}[self.mime]


def max_upload_bytes() -> int:
    return int(settings.SOCIALOPS_MEDIA_MAX_UPLOAD_MB) * 1024 * 1024


def max_pixels() -> int:
    return int(settings.SOCIALOPS_MEDIA_MAX_PIXELS)


def _unreadable() -> ValidationError:
    return ValidationError(_("This file is not an image socialops can read. "
                             "Upload a JPEG, PNG or WebP image."), code="not_an_image")


def _bomb() -> ValidationError:
    return ValidationError(
        _("This image is too large once opened (more than %(mpx)d million pixels). "
          "Export it at a smaller size.") % {"mpx": max_pixels() // 1_000_000},
        code="too_many_pixels")


def _open(data: bytes) -> Image.Image:
    """Open and fully decode an image, refusing bombs and anything Pillow cannot read."""
    # Pillow's guard is process-wide; set it from our setting before every open.
    Image.MAX_IMAGE_PIXELS = max_pixels()
    try:
        with warnings.catch_warnings():
            # Between the limit and twice the limit Pillow only warns: refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise _unreadable()
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _bomb() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _unreadable() from None
    if image.width * image.height > max_pixels():
        raise _bomb()
    return image


def read_upload(stream: IO[bytes], declared_size: int | None = None) -> tuple[bytes, SniffedImage]:
    """Return the bytes of an upload and what they really are, or raise ValidationError."""
    limit = max_upload_bytes()
    too_big = ValidationError(
        _("This file is larger than %(mb)d MB. Upload a smaller image.")
        % {"mb": limit // (1024 * 1024)}, code="too_large")
    if declared_size is not None and declared_size > limit:
        raise too_big
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise too_big
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    image = _open(data)
    assert image.format is not None
    oriented = ImageOps.exif_transpose(image)
    return data, SniffedImage(mime=ACCEPTED_FORMATS[image.format], width=oriented.width,
                              height=oriented.height, size_bytes=len(data))


def rendition_target(spec: PlacementSpec) -> tuple[MediaSpec, bool] | None:
    """Return the media spec an image is cut to, and whether it goes out as the post's media.

    A placement that takes images uses its media spec; a video placement with a
    thumbnail (e.g. a video network) cuts the image as the thumbnail; otherwise None.
    """
    if spec.media is not None and "image" in spec.media.kinds:
        return spec.media, True
    if spec.thumbnail is not None and "image" in spec.thumbnail.kinds:
        return spec.thumbnail, False
    return None


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info)


def output_mime(spec: MediaSpec, with_alpha: bool) -> str:
    """Choose the encoding of a rendition: PNG keeps transparency where it is accepted."""
    writable = [mime for mime in spec.formats if mime in ENCODERS]
    if with_alpha and "image/png" in writable:
        return "image/png"
    for preferred in ("image/jpeg", "image/png", "image/webp"):
        if preferred in writable:
            return preferred
    raise ValueError(f"no writable image format among {spec.formats}")


def crop_box(width: int, height: int, ratio: float, focal: tuple[float, float]
             ) -> tuple[int, int, int, int]:
    """Return the largest box of aspect ``ratio`` inside the image, centred on the focal point."""
    fx = min(max(focal[0], 0.0), 1.0)
    fy = min(max(focal[1], 0.0), 1.0)
    if width / height > ratio:
        crop_w, crop_h = max(1, round(height * ratio)), height
    else:
        crop_w, crop_h = width, max(1, round(width / ratio))
    left = min(max(round(fx * width - crop_w / 2), 0), width - crop_w)
    top = min(max(round(fy * height - crop_h / 2), 0), height - crop_h)
    return left, top, left + crop_w, top + crop_h


def _target_size(box: tuple[int, int, int, int], preferred: tuple[int, int]) -> tuple[int, int]:
    """Return the preferred size, or the crop's own size when smaller (never upscale)."""
    crop_w = box[2] - box[0]
    if crop_w >= preferred[0]:
        return preferred
    ratio = preferred[0] / preferred[1]
    return crop_w, max(1, round(crop_w / ratio))


def _encode(image: Image.Image, mime: str) -> bytes:
    """Encode pixels only: no EXIF, no ICC profile, no text chunks."""
    if mime == "image/jpeg" and image.mode != "RGB":
        if _has_alpha(image):
            flat = Image.new("RGB", image.size, (255, 255, 255))
            flat.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
            image = flat
        else:
            image = image.convert("RGB")
    elif mime != "image/jpeg" and image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    image.info = {}
    buffer = io.BytesIO()
    options: dict[str, object] = {"optimize": True}
    if mime == "image/jpeg":
        options.update(quality=JPEG_QUALITY, progressive=True)
    image.save(buffer, format=ENCODERS[mime], **options)
    return buffer.getvalue()


def oriented(data: bytes) -> Image.Image:
    """Return the decoded image turned the way its EXIF orientation says."""
    return ImageOps.exif_transpose(_open(data))


def render(image: Image.Image, spec: MediaSpec, focal: tuple[float, float]) -> Encoded:
    """Cut an (already oriented) image to the spec's preferred shape and encode it."""
    width, height = spec.preferred_size
    box = crop_box(image.width, image.height, width / height, focal)
    size = _target_size(box, spec.preferred_size)
    cut = image.crop(box).resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    mime = output_mime(spec, _has_alpha(image))
    return Encoded(data=_encode(cut, mime), mime=mime, width=size[0], height=size[1])


def preview(image: Image.Image) -> Encoded:
    """Return a small stripped copy of an (oriented) image for the pages."""
    copy = image.copy()
    copy.thumbnail((PREVIEW_SIZE, PREVIEW_SIZE), Image.Resampling.LANCZOS)
    mime = "image/png" if _has_alpha(copy) else "image/jpeg"
    return Encoded(data=_encode(copy, mime), mime=mime, width=copy.width, height=copy.height)

"""Real image files for the tests, made with Pillow: photos, EXIF, alpha, bombs, impostors."""

from __future__ import annotations

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

# EXIF tags: Orientation, Make, and the GPS block pointer (something that must not leak).
ORIENTATION = 0x0112
MAKE = 0x010F
GPS_IFD = 0x8825


def photo(width: int, height: int, *, fmt: str = "JPEG", orientation: int | None = None,
          marker: tuple[float, float] | None = None) -> bytes:
    """Return a gradient picture with EXIF (camera make, GPS) and an optional red marker.

    ``marker`` is the centre, as fractions of width and height, of a red square that
    tests look for in the renditions (to check the focal point).
    """
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(image)
    if marker is not None:
        side = max(8, min(width, height) // 10)
        cx, cy = int(marker[0] * width), int(marker[1] * height)
        draw.rectangle((cx - side // 2, cy - side // 2, cx + side // 2, cy + side // 2),
                       fill=(255, 0, 0))
    exif = Image.Exif()
    exif[MAKE] = "TestCam"
    exif[GPS_IFD] = {1: "N", 2: (48.0, 51.0, 24.0)}
    if orientation is not None:
        exif[ORIENTATION] = orientation
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, exif=exif.tobytes(), quality=90)
    return buffer.getvalue()


def png_with_alpha(width: int = 1600, height: int = 1600) -> bytes:
    """Return a PNG logo: a blue disc on a transparent background."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((width // 4, height // 4, 3 * width // 4, 3 * height // 4),
                                  fill=(20, 60, 200, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def bomb_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """Return a tiny PNG whose header claims an enormous image (a decompression bomb)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = zlib.compress(b"\x00" * 64)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data)
            + _chunk(b"IEND", b""))


def text_as_jpeg() -> bytes:
    return b"Quarterly plan\nThis is a text file someone renamed photo.jpg\n" * 20


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"
           ) -> SimpleUploadedFile:
    """Wrap bytes as a browser upload; the type given is the browser's claim, not the truth."""
    return SimpleUploadedFile(name, data, content_type=content_type)


def open_image(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image

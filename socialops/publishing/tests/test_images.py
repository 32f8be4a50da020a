"""Reading uploads safely and cutting renditions from capability data, on real images."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from socialops.connectors import registry
from socialops.connectors.capabilities import MediaSpec
from socialops.publishing import images
from socialops.publishing.tests import pictures


def spec_of(network: str, placement: str) -> MediaSpec:
    target = images.rendition_target(registry.capabilities_for(network).placement(placement))
    assert target is not None
    return target[0]


def cut(data: bytes, network: str, placement: str,
        focal: tuple[float, float] = (0.5, 0.5)) -> images.Encoded:
    return images.render(images.oriented(data), spec_of(network, placement), focal)


@pytest.mark.parametrize(("network", "placement", "size"), [
    ("instagram", "feed", (1080, 1350)),
    ("instagram", "story", (1080, 1920)),
    ("instagram", "reel", (1080, 1920)),
    ("x", "feed", (1600, 900)),
    ("linkedin", "feed", (1200, 627)),
    ("facebook", "feed", (1200, 630)),
    ("facebook", "story", (1080, 1920)),
    ("tiktok", "short", (1080, 1920)),
    ("youtube", "feed", (1280, 720)),  # the thumbnail of a video
])
@pytest.mark.parametrize("source", ["landscape", "portrait"])
def test_each_placement_gets_its_size_and_aspect(network: str, placement: str,
                                                 size: tuple[int, int], source: str) -> None:
    data = pictures.photo(4000, 3000) if source == "landscape" else pictures.photo(3000, 4000)
    result = cut(data, network, placement)
    image = pictures.open_image(result.data)
    assert image.size == size == (result.width, result.height)
    assert abs(image.width / image.height - size[0] / size[1]) < 0.005
    low, high = spec_of(network, placement).aspect_ratio
    assert low - 0.01 <= image.width / image.height <= high + 0.01
    assert result.mime in spec_of(network, placement).formats
    assert image.format == images.ENCODERS[result.mime]


def test_x_is_sixteen_by_nine() -> None:
    result = cut(pictures.photo(3000, 3000), "x", "feed")
    assert result.width * 9 == result.height * 16


def test_metadata_is_stripped() -> None:
    data = pictures.photo(2400, 1600)
    assert pictures.open_image(data).getexif()  # the source has a camera make and GPS
    for network, placement in [("instagram", "feed"), ("x", "feed"), ("linkedin", "feed")]:
        image = pictures.open_image(cut(data, network, placement).data)
        assert not image.getexif()
        assert "exif" not in image.info and "icc_profile" not in image.info
    small = pictures.open_image(images.preview(images.oriented(data)).data)
    assert not small.getexif() and max(small.size) == images.PREVIEW_SIZE


def test_exif_orientation_is_honoured() -> None:
    # Stored 4000x3000 landscape, but the camera says "rotate 90°": it is a portrait.
    data = pictures.photo(4000, 3000, orientation=6)
    _raw, sniffed = images.read_upload(io.BytesIO(data))
    assert (sniffed.width, sniffed.height) == (3000, 4000)
    # A portrait needs no side crop for a story; a landscape would lose most of its width.
    box = images.crop_box(3000, 4000, 1080 / 1920, (0.5, 0.5))
    assert box[3] - box[1] == 4000
    image = pictures.open_image(cut(data, "instagram", "story").data)
    assert image.size == (1080, 1920) and not image.getexif()


def _red_share(data: bytes) -> float:
    image = pictures.open_image(data).convert("RGB")
    raw = image.resize((64, 64)).tobytes()
    pixels = [raw[i:i + 3] for i in range(0, len(raw), 3)]
    return sum(1 for r, g, b in pixels if r > 200 and g < 80 and b < 80) / len(pixels)


def test_the_focal_point_stays_in_frame() -> None:
    data = pictures.photo(4000, 2000, marker=(0.9, 0.5))
    centred = cut(data, "instagram", "story", (0.5, 0.5))
    focused = cut(data, "instagram", "story", (0.9, 0.5))
    assert _red_share(centred.data) == 0
    assert _red_share(focused.data) > 0.01


def test_crop_box_stays_inside_the_image() -> None:
    assert images.crop_box(4000, 2000, 0.5625, (1.0, 0.0)) == (2875, 0, 4000, 2000)
    assert images.crop_box(1000, 1000, 1.91, (0.5, 0.0))[1] == 0


def test_png_with_alpha_keeps_it_where_accepted_and_is_flattened_elsewhere() -> None:
    data = pictures.png_with_alpha()
    on_x = cut(data, "x", "feed")
    assert on_x.mime == "image/png" and pictures.open_image(on_x.data).mode == "RGBA"
    on_instagram = cut(data, "instagram", "feed")  # Instagram takes JPEG only
    image = pictures.open_image(on_instagram.data)
    assert on_instagram.mime == "image/jpeg" and image.mode == "RGB"
    assert image.getpixel((5, 5)) == pytest.approx((255, 255, 255), abs=3)  # white, not black


def test_a_small_image_is_never_upscaled() -> None:
    result = cut(pictures.photo(800, 600), "instagram", "feed")
    assert (result.width, result.height) == (480, 600)


@pytest.mark.parametrize(("data", "code"), [
    (pictures.text_as_jpeg(), "not_an_image"),
    (pictures.bomb_png(), "too_many_pixels"),
    (pictures.bomb_png(8000, 8000), "too_many_pixels"),  # between the limit and twice it
    (pictures.photo(600, 400)[:700], "not_an_image"),  # truncated
    (b"", "empty"),
])
def test_bad_files_are_refused_with_a_reason(data: bytes, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        images.read_upload(io.BytesIO(data))
    assert caught.value.code == code
    assert caught.value.messages[0].endswith(".")


def test_type_comes_from_the_content(settings: Any) -> None:
    _raw, sniffed = images.read_upload(io.BytesIO(pictures.png_with_alpha(200, 200)))
    assert sniffed.mime == "image/png"  # whatever the file was called


def test_size_cap(settings: Any) -> None:
    settings.SOCIALOPS_MEDIA_MAX_UPLOAD_MB = 1
    with pytest.raises(ValidationError) as caught:
        images.read_upload(io.BytesIO(b"\xff" * (1024 * 1024 + 1)))
    assert caught.value.code == "too_large"
    with pytest.raises(ValidationError):
        images.read_upload(io.BytesIO(b""), declared_size=5 * 1024 * 1024)

"""The screenshot preview that every `listing_submission` materialization carries inline:
small enough for the event log whatever the page looks like. Pure Pillow, no browser."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw

from directory_pipeline.browser.evidence import (
    PREVIEW_MAX_BYTES,
    PREVIEW_WIDTH_PX,
    small_preview,
)


def screenshot(image: Image.Image) -> bytes:
    """As the engine takes it: a full-page JPEG at quality 85."""
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def busy_page(width: int = 1280, height: int = 9000) -> Image.Image:
    """Worst case for JPEG: every pixel noise, with text and boxes drawn over it."""
    rng = np.random.default_rng(15)
    image = Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))
    draw = ImageDraw.Draw(image)
    for row in range(0, height, 24):
        draw.text(
            (20 + row % 200, row), "Business name * Street address * Phone " * 4, fill="black"
        )
        draw.rectangle((900, row, 1260, row + 18), outline="white")
    return image


def plain_page(width: int = 1280, height: int = 2400) -> Image.Image:
    """A form page: a coloured header, headings, labels and empty inputs on white."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 90), fill="#1f5f7a")
    draw.text((40, 30), "CityLocal Hub - Add Listing", fill="white")
    for row in range(140, height, 60):
        draw.text((60, row), "Business name *", fill="#222222")
        draw.rectangle((60, row + 18, 520, row + 44), outline="#999999")
    return image


def jpeg_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\xff\xd8\xff")
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def test_a_busy_full_page_screenshot_previews_under_the_byte_cap() -> None:
    shot = screenshot(busy_page())
    assert len(shot) > 1_000_000
    preview = small_preview(shot)
    width, height = jpeg_size(preview)
    assert len(preview) <= PREVIEW_MAX_BYTES
    assert 0 < width <= PREVIEW_WIDTH_PX and 0 < height <= width


def test_an_ordinary_page_keeps_the_full_preview_width() -> None:
    preview = small_preview(screenshot(plain_page()))
    assert len(preview) <= PREVIEW_MAX_BYTES
    width, height = jpeg_size(preview)
    assert width == PREVIEW_WIDTH_PX
    assert height == round(PREVIEW_WIDTH_PX * 0.75)  # the top of the page, 4:3


def test_a_short_page_is_previewed_whole() -> None:
    width, height = jpeg_size(small_preview(screenshot(plain_page(height=300))))
    assert (width, height) == (PREVIEW_WIDTH_PX, 75)


def test_a_tighter_cap_steps_down_to_a_narrower_preview() -> None:
    shot = screenshot(busy_page(height=2000))
    preview = small_preview(shot, max_bytes=2_500)
    assert jpeg_size(preview)[0] < PREVIEW_WIDTH_PX

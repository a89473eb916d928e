"""Pictures re-drawn from their pixels alone, so nothing but the picture leaves the sender.

A photo from a phone carries where it was taken (EXIF GPS), the phone's make and serial-like
fields, the time, an embedded thumbnail that may show the picture before it was cropped,
XMP edit history, comments and PNG text chunks. None of it is wanted, and a list of fields
to strip always misses one, so the picture is decoded in full and a new image is made from
its pixels: whatever was not a pixel cannot come along.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageCms

from portal.domain.enums import SourceType
from portal.media.refusals import MediaRefused, empty, unreadable

# About 50 megapixels: above any phone's normal photo, far below what would exhaust memory.
DEFAULT_MAX_PIXELS = 50_000_000
JPEG_QUALITY = 88

_PILLOW_FORMAT = {
    SourceType.JPEG: "JPEG",
    SourceType.PNG: "PNG",
    SourceType.GIF: "GIF",
    SourceType.WEBP: "WEBP",
}
IMAGE_SOURCES = frozenset(_PILLOW_FORMAT)

# EXIF orientation -> the transpose that makes the pixels upright.
_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_ORIENTATION_TAG = 0x0112


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded picture with no metadata: what the portal seals and keeps."""

    data: bytes
    content_type: str  # "image/jpeg" or "image/png"
    width: int
    height: int


def clean_image(data: bytes, source: SourceType, max_pixels: int = DEFAULT_MAX_PIXELS) -> CleanImage:
    """Decode a JPEG, PNG, GIF or WebP fully and re-encode it with no metadata at all.

    JPEG and WebP become JPEG (quality 88), PNG and GIF become PNG (a GIF's first frame).
    The EXIF orientation is applied to the pixels; an ICC profile is applied (converted to
    sRGB) and then dropped. A picture of more than max_pixels is refused before it is decoded
    (a decompression bomb), and so is anything Pillow cannot read as the identified format.
    """
    if source not in _PILLOW_FORMAT:
        raise ValueError("clean_image takes pictures only")
    picture = decode(data, (_PILLOW_FORMAT[source],), max_pixels)
    target = "JPEG" if source in (SourceType.JPEG, SourceType.WEBP) else "PNG"
    return encode(picture, target)


def decode(data: bytes, pillow_formats: tuple[str, ...], max_pixels: int) -> Image.Image:
    """Open as one of the given formats only, refuse bombs from the header, decode, make upright sRGB."""
    if not data:
        raise empty()
    try:
        opened = Image.open(io.BytesIO(data), formats=list(pillow_formats))
        width, height = opened.size
        if width <= 0 or height <= 0 or width * height > max_pixels:
            raise unreadable("too-many-pixels")
        opened.load()  # the first frame of an animation: Image.open stands on frame 0
        orientation = _orientation(opened)
        picture = _to_srgb(opened)
        transpose = _ORIENTATION.get(orientation)
        if transpose is not None:
            picture = picture.transpose(transpose)
        return picture
    except MediaRefused:
        raise
    except Image.DecompressionBombError:
        raise unreadable("too-many-pixels") from None
    except Exception:  # any decoder failure on an untrusted file is one refusal
        # Pillow's messages can quote bytes of the file; none of it travels.
        raise unreadable("not-decodable") from None


def encode(picture: Image.Image, pillow_format: str) -> CleanImage:
    """Encode pixels alone: a fresh image is built from the raw pixels, so it has no info."""
    if pillow_format == "JPEG":
        mode = "L" if picture.mode in ("L", "1", "I;16", "I") else "RGB"
        if _has_alpha(picture):
            picture = _on_white(picture)
        fresh = _fresh(_convert(picture, mode))
        out = io.BytesIO()
        fresh.save(out, "JPEG", quality=JPEG_QUALITY)
        content_type = "image/jpeg"
    elif pillow_format == "PNG":
        grey = picture.mode in ("L", "LA", "1", "I;16", "I")
        mode = "L" if grey else "RGB"
        if _has_alpha(picture):
            mode = "LA" if picture.mode == "LA" else "RGBA"
        fresh = _fresh(_convert(picture, mode))
        out = io.BytesIO()
        fresh.save(out, "PNG", compress_level=6)
        content_type = "image/png"
    else:
        raise ValueError("encode writes JPEG or PNG only")
    return CleanImage(data=out.getvalue(), content_type=content_type, width=fresh.width, height=fresh.height)


def _orientation(picture: Image.Image) -> int:
    try:
        value = picture.getexif().get(_ORIENTATION_TAG, 1)
    except Exception:  # a broken EXIF block means no orientation, not no picture
        return 1
    return value if isinstance(value, int) else 1


def _to_srgb(picture: Image.Image) -> Image.Image:
    """Apply an embedded ICC profile so colours survive dropping it; palettes become RGB(A)."""
    if picture.mode == "P" or picture.mode == "PA":
        picture = picture.convert("RGBA" if _has_alpha(picture) else "RGB")
    profile = picture.info.get("icc_profile")
    if not profile or picture.mode not in ("RGB", "RGBA", "CMYK", "L"):
        return picture
    output_mode = "RGBA" if picture.mode == "RGBA" else "RGB"
    try:
        converted = ImageCms.profileToProfile(
            picture,
            ImageCms.ImageCmsProfile(io.BytesIO(profile)),
            ImageCms.createProfile("sRGB"),
            outputMode=output_mode,
        )
    except Exception:  # an unusable profile is ignored; the pixels are still right enough
        return picture
    return converted if converted is not None else picture


def _has_alpha(picture: Image.Image) -> bool:
    return picture.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in picture.info


def _on_white(picture: Image.Image) -> Image.Image:
    rgba = picture.convert("RGBA")
    page = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    page.alpha_composite(rgba)
    return page.convert("RGB")


def _convert(picture: Image.Image, mode: str) -> Image.Image:
    if picture.mode == mode:
        return picture
    if picture.mode in ("I;16", "I;16B", "I;16L", "I") and mode in ("L", "LA"):
        # 16-bit greys: scale to 8 bits instead of clipping everything above 255 to white.
        return picture.convert("I").point(lambda value: value / 256).convert("L")
    return picture.convert(mode)


def _fresh(picture: Image.Image) -> Image.Image:
    """A new image from the raw pixels: its info (EXIF, XMP, ICC, text, comments) is empty."""
    fresh = Image.frombytes(picture.mode, picture.size, picture.tobytes())
    assert not fresh.info
    return fresh

"""Reply-sheet codes read from a photo or scan of a handwritten reply.

A person in prison writes on paper; staff photograph or scan the sheet, and the QR code
printed on it says which case and item it answers. Phone photos are skewed, rotated and
large, so zxing-cpp searches in every direction and at smaller scales, and a second pass
tries other binarizers for uneven light.
"""

from __future__ import annotations

import zxingcpp
from PIL import Image

from portal.media.images import DEFAULT_MAX_PIXELS, decode

_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
_QR = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
_SMALLER_SIDE = 1600  # a phone photo scaled down once more for the second pass


def read_codes(image_bytes: bytes, max_pixels: int = DEFAULT_MAX_PIXELS) -> list[str]:
    """The texts of the QR codes found, in the order found, each once; [] when there is none.

    A file that is not a readable picture is refused like any picture (MEDIA_UNREADABLE).
    """
    picture = decode(image_bytes, _FORMATS, max_pixels).convert("L")
    attempts: list[tuple[Image.Image, zxingcpp.Binarizer]] = [(picture, zxingcpp.Binarizer.LocalAverage)]
    if max(picture.size) > _SMALLER_SIDE:
        smaller = picture.copy()
        smaller.thumbnail((_SMALLER_SIDE, _SMALLER_SIDE))
        attempts.append((smaller, zxingcpp.Binarizer.LocalAverage))
    attempts.append((picture, zxingcpp.Binarizer.GlobalHistogram))
    for image, binarizer in attempts:
        found = zxingcpp.read_barcodes(
            image,
            formats=_QR,
            try_rotate=True,
            try_downscale=True,
            binarizer=binarizer,
        )
        texts = list(dict.fromkeys(code.text for code in found if code.valid and code.text))
        if texts:
            return texts
    return []

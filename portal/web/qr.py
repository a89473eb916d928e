"""QR codes as data URIs, so the enrolment page needs no script and no extra request."""

import segno


def qr_data_uri(text: str) -> str:
    return segno.make(text, error="m").svg_data_uri(scale=5, dark="#000", light="#fff")

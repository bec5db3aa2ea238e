"""QR payload -> PNG bytes -> `data:image/png;base64,...` (lila-app's `qrImage`).

qrcode draws with Pillow, which is already shipped because neonize depends
on it; a QR costs ~20 ms to draw, so callers run `qr_png` through
`run_blocking`, and the last few images are cached (the QR rotates every
20-60 s while many clients may poll it).
"""

from __future__ import annotations

import base64
import functools
import io

import qrcode
import qrcode.constants
from qrcode.image.pil import PilImage

BOX_SIZE = 8  # pixels per module: ~400 px for WhatsApp's QR, easy to scan off a screen
BORDER = 4  # the quiet zone the QR standard asks for


@functools.lru_cache(maxsize=8)
def qr_png(payload: str) -> bytes:
    """The QR of `payload` as a PNG (black on white, error correction M)."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=BOX_SIZE,
        border=BORDER,
        image_factory=PilImage,
    )
    code.add_data(payload)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def png_data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def qr_data_url(payload: str) -> str:
    return png_data_url(qr_png(payload))

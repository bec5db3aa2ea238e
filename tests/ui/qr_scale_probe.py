"""Run as a child process (the scale factor is read once, when Qt starts):
prints how big the inline code is, in device pixels, and saves its picture."""

from __future__ import annotations

import json
import math
import sys

from PySide6.QtWidgets import QApplication

from lila_desktop.ui.widgets.link_panel import QR_DEVICE_PX
from lila_desktop.ui.widgets.qr_view import QrView


def main(out: str) -> None:
    app = QApplication([])
    view = QrView()
    ratio = view.devicePixelRatioF()
    side = math.ceil(QR_DEVICE_PX / ratio)  # what the link panel gives it
    view.setFixedSize(side, side)
    view.set_payload("2@" + "x" * 120)  # as long as WhatsApp's
    view.show()
    app.processEvents()
    pixmap = view.grab()  # rendered at the device pixel ratio
    pixmap.save(out)
    print(
        json.dumps(
            {
                "ratio": ratio,
                "device_px": round(view.width() * ratio),
                "module_px": view.module_device_px(),
                "image_px": pixmap.width(),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])

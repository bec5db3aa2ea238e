"""Render the app icon's SVG into the raster files each platform's installer needs.

    .venv/bin/python packaging/icons/make_icons.py          # rewrite packaging/icons/
    .venv/bin/python packaging/icons/make_icons.py --check  # exit 1 if they are stale

Sources stay SVG (`lila_desktop/resources/icons/`); the window and the tray
draw those SVGs at whatever size and DPI the platform asks for (the frozen
build bundles Qt's SVG icon engine), so the status lights need no rasters.
What cannot take an SVG gets rasters rendered here with Qt's own SVG renderer
(PySide6, already a dependency) and packed by Pillow (already pulled in by
neonize):

- Linux: hicolor PNGs, 16-512 px (the .deb installs them next to the SVG).
- Windows: `lila-desktop.ico` (16-256 px; the executable, the installer, the
  Start-menu shortcut), BMP entries below 256 px for older tools such as NSIS.
- macOS: `lila-desktop.icns` (32-1024 px, incl. the @2x sizes).

`source.sha256` records the SVG the rasters were made from, so a test can
tell when they are stale.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "lila_desktop" / "resources" / "icons" / "app.svg"
OUT = Path(__file__).resolve().parent
NAME = "lila-desktop"
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
ICNS_SIZES = (32, 64, 128, 256, 512, 1024)
STAMP = OUT / "source.sha256"


def source_digest(svg: Path = SOURCE) -> str:
    return f"{hashlib.sha256(svg.read_bytes()).hexdigest()}  {svg.relative_to(ROOT).as_posix()}\n"


def render_png(svg: Path, size: int) -> bytes:
    """The SVG drawn into a size x size transparent PNG by Qt's SVG renderer."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not an SVG Qt can draw")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def build(out: Path) -> list[Path]:
    """Write every raster under `out`; returns the files written."""
    from PIL import Image

    sizes = sorted(set(HICOLOR_SIZES) | set(ICO_SIZES) | set(ICNS_SIZES))
    pngs = {size: render_png(SOURCE, size) for size in sizes}
    images = {size: Image.open(io.BytesIO(png)).convert("RGBA") for size, png in pngs.items()}
    written: list[Path] = []
    for size in HICOLOR_SIZES:
        path = out / "hicolor" / f"{size}x{size}" / "apps" / f"{NAME}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pngs[size])
        written.append(path)
    ico = out / f"{NAME}.ico"
    images[256].save(
        ico,
        format="ICO",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[images[s] for s in ICO_SIZES if s != 256],
        bitmap_format="bmp",
    )
    written.append(ico)
    icns = out / f"{NAME}.icns"
    images[1024].save(
        icns, format="ICNS", append_images=[images[s] for s in ICNS_SIZES if s != 1024]
    )
    written.append(icns)
    STAMP.write_text(source_digest())
    written.append(STAMP)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check they match the SVG")
    args = parser.parse_args(argv)
    if args.check:
        if not STAMP.is_file() or STAMP.read_text() != source_digest():
            print(f"{OUT} is stale: run {Path(__file__).relative_to(ROOT)}", file=sys.stderr)
            return 1
        return 0
    for path in build(OUT):
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())

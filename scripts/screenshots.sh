#!/usr/bin/env bash
# Refreshes the README's pictures: runs the window's end-to-end test under its own
# Xvfb (1366×768 in English, 2049×1152 at 150 % in Spanish), with a tray host, a
# notification server and a real keyring, then copies a few of its screenshots,
# scaled and reduced to a palette, to docs/screenshots/ (a few hundred KB in all).
#
#   ./scripts/screenshots.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/bootstrap.sh
ensure_venv test "[test,packaging]"
SHOTS="test-output/screenshots/window-e2e"
rm -rf "$SHOTS"
scripts/with-keyring.sh "$VENV/bin/python" -m pytest -q -p no:randomly \
  tests/e2e/test_window_e2e.py
mkdir -p docs/screenshots
"$VENV/bin/python" - "$SHOTS" docs/screenshots <<'PY'
import sys
from pathlib import Path

from PIL import Image

src, dst = Path(sys.argv[1]), Path(sys.argv[2])
WIDTH = 960
# (screenshot, README picture, crop box as fractions of the window: left, top, right, bottom)
PICTURES = [
    ("main-window-en.png", "main-window.png", None),
    ("inline-qr-en.png", "inline-qr.png", (0.63, 0.11, 1.0, 0.62)),
    ("main-window-en.png", "timeline.png", (0.0, 0.66, 1.0, 0.93)),
    ("main-window-es.png", "main-window-es.png", None),
]
for name, out, box in PICTURES:
    with Image.open(src / name) as img:
        img = img.convert("RGB")
        # The window, not the empty screen around it (no window manager in Xvfb).
        bbox = Image.eval(img, lambda v: 255 if v else 0).convert("L").getbbox()
        if bbox:
            img = img.crop(bbox)
        if box:
            w, h = img.size
            img = img.crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)))
        if img.width > WIDTH and box is None:
            img = img.resize((WIDTH, round(img.height * WIDTH / img.width)), Image.LANCZOS)
        img = img.quantize(colors=256, method=Image.Quantize.FASTOCTREE)
        img.save(dst / out, optimize=True)
        print(f"{dst / out}: {(dst / out).stat().st_size // 1024} KB")
PY

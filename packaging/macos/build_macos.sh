#!/usr/bin/env bash
# Builds Lila Desktop for macOS: "dist/Lila Desktop.app" and
# dist/lila-desktop-<version>-<arch>.dmg (drag the app onto Applications).
#
#   packaging/macos/build_macos.sh
#
# Needs macOS 13 or later (PySide6 6.10+), Python 3.11 (`python3.11` on PATH: python.org or
# Homebrew) and Homebrew's libmagic (`brew install libmagic`; python-magic,
# which neonize imports, loads it and the spec bundles it into the app).
# Build on the architecture you ship (arm64 or x86_64): the neonize wheel and
# PySide6 are per-architecture.
#
# Signing: CODESIGN_IDENTITY="Developer ID Application: ..." signs with the
# hardened runtime (packaging/macos/entitlements.plist); NOTARY_PROFILE (a
# `xcrun notarytool store-credentials` profile) also notarizes and staples the
# .dmg. Without them the app is ad-hoc signed: it runs on the Mac that built
# it; elsewhere Gatekeeper asks the user to right-click > Open once.
#
# Before packing it runs the smoke test's headless steps on the built app.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

if [ "$(uname -s)" != "Darwin" ]; then
  echo "build_macos.sh runs on macOS (it needs codesign and hdiutil)" >&2
  exit 2
fi
PY="${PYTHON:-python3.11}"  # CI: PYTHON=python (actions/setup-python)
if ! command -v "$PY" >/dev/null; then
  echo "Python 3.11 is missing: install it from python.org or 'brew install python@3.11'" >&2
  exit 1
fi
if [ ! -e /opt/homebrew/lib/libmagic.dylib ] && [ ! -e /usr/local/lib/libmagic.dylib ]; then
  echo "libmagic is missing: brew install libmagic" >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[packaging]"
VERSION="$(.venv/bin/python -c 'import lila_desktop; print(lila_desktop.__version__)')"
ARCH="$(uname -m)"

.venv/bin/python packaging/icons/make_icons.py --check
.venv/bin/python -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build packaging/lila-desktop.spec
APP="dist/Lila Desktop.app"

# The Keychain lets the app read its vault key again only if the new build
# has the same designated requirement: bundle identifier + certificate. A
# Developer ID (or any certificate kept from build to build, even a
# self-signed one) keeps it across updates; an ad-hoc signature is a hash of
# this very build, so after an update macOS asks once for the key.
BUNDLE_ID="$(/usr/libexec/PlistBuddy -c 'Print :CFBundleIdentifier' "$APP/Contents/Info.plist")"
if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  codesign --force --deep --timestamp --options runtime --identifier "$BUNDLE_ID" \
    --entitlements packaging/macos/entitlements.plist --sign "$CODESIGN_IDENTITY" "$APP"
else
  echo "no CODESIGN_IDENTITY: ad-hoc signature (Gatekeeper warns; the Keychain asks after updates)"
  codesign --force --deep --identifier "$BUNDLE_ID" --sign - "$APP"
fi
codesign --display --requirements - "$APP"
codesign --verify --deep --strict "$APP"

# Smoke test (packaging/smoke.py, as in the release workflow): the frozen
# app headless with demo numbers through its own engine process, a second
# launch refused, restores, a clean quit without plaintext; and the real
# neonize library and libmagic loaded by the engine.
SMOKE="$(mktemp -d)"
trap 'rm -rf "$SMOKE"' EXIT
.venv/bin/python packaging/smoke.py --exe "$APP/Contents/MacOS/lila-desktop" \
  --out "$SMOKE/out" demo neonize

DMG="dist/lila-desktop-$VERSION-$ARCH.dmg"
STAGE="$SMOKE/dmg"
mkdir -p "$STAGE"
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
rm -f "$DMG"
hdiutil create -volname "Lila Desktop" -srcfolder "$STAGE" -fs HFS+ -format UDZO -ov "$DMG"

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "$CODESIGN_IDENTITY" "$DMG"
  if [ -n "${NOTARY_PROFILE:-}" ]; then
    xcrun notarytool submit "$DMG" --keychain-profile "$NOTARY_PROFILE" --wait
    xcrun stapler staple "$DMG"
  fi
fi
echo "built $DMG ($(du -h "$DMG" | cut -f1)); app: $(du -sh "$APP" | cut -f1)"

#!/usr/bin/env bash
# Builds Lila Desktop for Linux from a fresh clone: the one-folder app in
# dist/lila-desktop/ and the installer dist/lila-desktop_<version>_<arch>.deb.
#
#   packaging/build_linux.sh                      # installs what it needs, then builds
#   packaging/build_linux.sh --dist DIR --work DIR
#   packaging/build_linux.sh --python PY          # use PY as it is (no apt, no venv set-up)
#   packaging/build_linux.sh --deb-compression zstd   # faster .deb (dpkg >= 1.21.18 to install)
#
# Without --python it installs the Debian packages the build needs and the
# project's venv with the `packaging` extra (PyInstaller), like scripts/run.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIST="$ROOT/dist"
WORK="$ROOT/build"
PYTHON_BIN=""
COMPRESSION="xz"

usage() { sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while [ "$#" -gt 0 ]; do
  case "$1" in
    --dist) DIST="$(realpath -m "$2")"; shift 2 ;;
    --work) WORK="$(realpath -m "$2")"; shift 2 ;;
    --python) PYTHON_BIN="$2"; shift 2 ;;
    --deb-compression) COMPRESSION="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "build_linux.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done

# Debian packages the build itself needs: libmagic goes into the bundle;
# binutils (readelf, strip) and dpkg-deb make the .deb; the GL/EGL, libxcb
# and Wayland client libraries are what PyInstaller leaves to the system, so
# they must be installed here for the .deb's Depends to be computed;
# icu-devtools and gcc rebuild ICU's data library smaller (packaging/linux/icu_data.py).
BUILD_PACKAGES=(libmagic1 binutils dpkg libgl1 libegl1 libxcb1 libwayland-client0
  libwayland-cursor0 libwayland-egl1 fontconfig-config icu-devtools gcc)

if [ -z "$PYTHON_BIN" ]; then
  # shellcheck source=scripts/bootstrap.sh
  source "$ROOT/scripts/bootstrap.sh"
  apt_install "${BUILD_PACKAGES[@]}" "${QT_RUNTIME_PACKAGES[@]}"
  ensure_venv packaging "[packaging]"
  PYTHON_BIN="$VENV/bin/python"
fi

if ! "$PYTHON_BIN" -c "import PyInstaller" 2>/dev/null; then
  echo "build_linux.sh: PyInstaller is missing in $PYTHON_BIN; pip install -e '.[packaging]'" >&2
  exit 1
fi

cd "$ROOT"
"$PYTHON_BIN" packaging/icons/make_icons.py --check

started=$(date +%s)
echo "== PyInstaller: $DIST/lila-desktop"
"$PYTHON_BIN" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$DIST" --workpath "$WORK" packaging/lila-desktop.spec
bundled=$(date +%s)

echo "== .deb ($COMPRESSION)"
deb="$("$PYTHON_BIN" packaging/linux/build_deb.py --bundle "$DIST/lila-desktop" --out "$DIST" \
  --compression "$COMPRESSION" | tail -n 1)"
finished=$(date +%s)

echo "== done"
echo "bundle: $DIST/lila-desktop ($(du -sh "$DIST/lila-desktop" | cut -f1), $((bundled - started)) s)"
echo "deb:    $deb ($(du -h "$deb" | cut -f1), $((finished - bundled)) s)"

#!/usr/bin/env bash
# Shared set-up for run.sh and test.sh: Debian packages (when we can install
# them) and the project's virtual environment in .venv.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${LILA_VENV:-$ROOT/.venv}"
PY="${PYTHON:-python3}"

apt_install() {
  # Installs missing Debian packages; prints what to do when it cannot.
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then sudo="sudo"; else
      echo "Please install these Debian packages first: ${missing[*]}" >&2; return 1; fi
  fi
  if ! command -v apt-get >/dev/null; then
    echo "Not a Debian/Ubuntu system: install the equivalents of: ${missing[*]}" >&2; return 1
  fi
  echo "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Qt's xcb platform plugin and fonts; libmagic for neonize's python-magic.
QT_RUNTIME_PACKAGES=(libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0 libegl1
  libgl1 libfontconfig1 libdbus-1-3 fonts-dejavu-core libmagic1 libxcb-shape0 libxcb-randr0
  libxcb-render-util0 libxcb-image0 libxcb-xinerama0 libxcb-xkb1)

ensure_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    if ! "$PY" -m venv --help >/dev/null 2>&1 || ! "$PY" -c "import ensurepip" 2>/dev/null; then
      apt_install python3-venv
    fi
    "$PY" -m venv "$VENV"
  fi
  local stamp="$VENV/.installed-$1"
  if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e "$ROOT$2"
    touch "$stamp"
  fi
}

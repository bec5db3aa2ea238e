#!/usr/bin/env bash
# The test command (README, CI): installs everything, then lint, types,
# import contracts and the whole pytest suite under a real X server (Xvfb),
# a private D-Bus session and an unlocked gnome-keyring.
# Extra arguments go to pytest, e.g. ./scripts/test.sh tests/unit -x
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
apt_install "${QT_RUNTIME_PACKAGES[@]}" xvfb xauth dbus gnome-keyring libsecret-tools \
  zbar-tools imagemagick x11-utils xdotool \
  nsis 7zip shellcheck desktop-file-utils binutils libxcb1 \
  libwayland-client0 libwayland-cursor0 libwayland-egl1 fontconfig-config \
  iproute2 util-linux appstream icu-devtools gcc
ensure_venv test "[test,packaging]"
cd "$ROOT"
export PATH="$VENV/bin:$PATH"

echo "== ruff";          ruff check lila_desktop tests bench packaging
echo "== ruff format";   ruff format --check lila_desktop tests bench packaging
echo "== mypy";          mypy
echo "== mypy win32";    mypy --platform win32
echo "== mypy darwin";   mypy --platform darwin
echo "== import-linter"; lint-imports
# The release workflow runs only on GitHub's machines: lint it here.
echo "== actionlint";    actionlint .github/workflows/*.yml
echo "== zizmor";        zizmor --offline --no-progress .github/workflows

echo "== pytest"
exec xvfb-run -a -s "-screen 0 1280x800x24" \
  "$ROOT/scripts/with-keyring.sh" python -m pytest "$@"

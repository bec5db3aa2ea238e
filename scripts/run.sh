#!/usr/bin/env bash
# Runs Lila Desktop from a fresh checkout: installs what it needs, then starts
# the app on its embedded defaults (local SQLite ledger, OS keyring).
# Any arguments go to the app, e.g. ./scripts/run.sh --demo
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
apt_install "${QT_RUNTIME_PACKAGES[@]}" || true
ensure_venv app ""
exec "$VENV/bin/lila-desktop" "$@"

#!/usr/bin/env bash
# Run a command inside a private D-Bus session with an unlocked gnome-keyring
# (a real Secret Service) and isolated XDG folders, so tests marked `keyring`
# exercise the real OS keyring without touching anyone's own keyring.
#
#   scripts/with-keyring.sh .venv/bin/pytest tests/unit/services/test_keyring_real.py
#
# Needs Debian's dbus, gnome-keyring and libsecret-tools. The keyring, its
# password ("pass") and the XDG folders live in a temp folder removed at exit;
# the daemons end with the D-Bus session.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi
for tool in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$0: $tool is missing; install it: apt-get install dbus gnome-keyring libsecret-tools" >&2
    exit 127
  fi
done

LILA_KEYRING_TMP="$(mktemp -d "${TMPDIR:-/tmp}/lila-keyring.XXXXXX")"
export LILA_KEYRING_TMP
trap 'rm -rf "$LILA_KEYRING_TMP"' EXIT
mkdir -p "$LILA_KEYRING_TMP/data" "$LILA_KEYRING_TMP/config" "$LILA_KEYRING_TMP/cache" \
  "$LILA_KEYRING_TMP/run"
chmod 700 "$LILA_KEYRING_TMP" "$LILA_KEYRING_TMP/run"

set +e
dbus-run-session -- bash -c '
  set -e
  export XDG_DATA_HOME="$LILA_KEYRING_TMP/data" XDG_CONFIG_HOME="$LILA_KEYRING_TMP/config" \
    XDG_CACHE_HOME="$LILA_KEYRING_TMP/cache" XDG_RUNTIME_DIR="$LILA_KEYRING_TMP/run"
  # Creates the "login" collection with password "pass" and leaves it unlocked.
  eval "$(printf pass | gnome-keyring-daemon --unlock --components=secrets)"
  exec "$@"
' with-keyring "$@"
rc=$?
set -e
exit "$rc"

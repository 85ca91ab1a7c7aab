#!/usr/bin/env bash
# Install what the tests need (Debian's Chromium, LibreOffice and poppler when missing; the
# pinned Python packages) and run the whole suite. .ci/run calls exactly this script.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
fi

python3 -m pip install -q --disable-pip-version-check -r requirements-test.txt
# Two workers on CI's two cores; browser tests start their own servers on free ports.
exec python3 -m pytest -n 2 --dist loadgroup "$@"

#!/usr/bin/env bash
# Build a self-contained Dispatch Console for a Linux workstation (PyInstaller, one folder),
# then check that the built program starts and answers headless commands.
#
#   packaging/build.sh            -> dist/dispatch-app/ and dist/dispatch-app-<version>-linux-x86_64.tar.gz
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
venv=build/package-venv

python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
"$venv/bin/pip" install -q . "pyinstaller>=6,<7"
"$venv/bin/pyinstaller" --noconfirm --clean --distpath dist --workpath build/pyinstaller packaging/dispatch-app.spec

app=dist/dispatch-app
cp packaging/dispatch-app.desktop packaging/dispatch-app.metainfo.xml "$app/"
mkdir -p "$app/icons"
cp resources/icons/*.png resources/icons/*.svg "$app/icons/" 2>/dev/null || true

# Smoke check: the built program runs without this checkout's Python.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
(cd "$scratch" && env -i HOME="$scratch" PATH=/usr/bin:/bin "$root/$app/dispatch-app" --version)
(cd "$scratch" && env -i HOME="$scratch" PATH=/usr/bin:/bin "$root/$app/dispatch-app" \
    --db "sqlite:///$scratch/smoke.db" import "$root/resources/examples/northwind.yaml")
verdict=$(cd "$scratch" && env -i HOME="$scratch" PATH=/usr/bin:/bin "$root/$app/dispatch-app" \
    --db "sqlite:///$scratch/smoke.db" --json triage --client acme --system erp-plc --impact down \
    --at 2026-11-28T05:00:00Z --as jordan)
echo "$verdict" | grep -q '"verdict": "escalate"' || { echo "smoke check failed: $verdict" >&2; exit 1; }
echo "smoke check passed"

version=$("$root/$app/dispatch-app" --version | awk '{print $2}')
tar -C dist -czf "dist/dispatch-app-$version-linux-x86_64.tar.gz" dispatch-app
echo "built dist/dispatch-app-$version-linux-x86_64.tar.gz"

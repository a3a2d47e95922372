#!/usr/bin/env bash
# Build a self-contained Dispatch Console for a Linux workstation (PyInstaller, one folder),
# then check that the built program works as a workstation uses it (packaging/smoke.sh).
#
#   packaging/build.sh            -> dist/dispatch-app/ and dist/dispatch-app-<version>-linux-x86_64.tar.gz
#   BUILD_VENV=.venv packaging/build.sh    builds with an existing environment that has the
#                                          program and PyInstaller installed (no downloads)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

if [[ -n "${BUILD_VENV:-}" ]]; then
    venv=$BUILD_VENV
else
    venv=build/package-venv
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --upgrade pip
    "$venv/bin/pip" install -q . "pyinstaller>=6,<7"
fi
"$venv/bin/pyinstaller" --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
    packaging/dispatch-app.spec

app=dist/dispatch-app
cp packaging/dispatch-app.desktop packaging/dispatch-app.metainfo.xml "$app/"
mkdir -p "$app/icons"
cp resources/icons/*.png resources/icons/*.svg "$app/icons/" 2>/dev/null || true

packaging/smoke.sh "$root/$app/dispatch-app"

version=$("$root/$app/dispatch-app" --version | awk '{print $2}')
tar -C dist -czf "dist/dispatch-app-$version-linux-x86_64.tar.gz" dispatch-app
echo "built dist/dispatch-app-$version-linux-x86_64.tar.gz ($(du -sh "$app" | cut -f1) unpacked)"

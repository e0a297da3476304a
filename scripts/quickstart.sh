#!/usr/bin/env bash
# One command for a fresh Debian 12 machine: install what ukern needs, build
# it in ./build, and run the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
[ -d build ] || meson setup build >/dev/null
ninja -C build
echo
exec bash scripts/main-job.sh

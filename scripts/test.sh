#!/usr/bin/env bash
# Installs what is missing, builds Berth, runs the whole CTest suite; exits with ctest's status.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/deps.sh
source "$root/scripts/lib/deps.sh"
berth_install_deps

build="${BERTH_BUILD_DIR:-$root/build}"
werror=OFF
[ -n "${CI:-}" ] && werror=ON
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBERTH_WERROR="$werror"
cmake --build "$build" --parallel "$(nproc)"
cd "$build"
# Each test starts its own registry on a free port, so tests may run side by side.
exec ctest --output-on-failure --parallel "$(nproc)" "$@"

#!/usr/bin/env bash
# Berth benchmarks: builds what is needed, runs berth-bench against a real registry, prints the
# table and writes build/bench/results.json.
#
#   tests/bench/run.sh [--quick] [--sizes 1000,10000,100000] [other berth-bench options]
#
# BUILD_DIR (default: build) picks the build directory. Figures, not pass/fail: see
# docs/performance.md for how to read them.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${BUILD_DIR:-$root/build}
# shellcheck source=../../scripts/lib/deps.sh
source "$root/scripts/lib/deps.sh"
berth_install_deps

if [ ! -f "$build/build.ninja" ]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
# -j2: the machines this runs on are small and shared; a benchmark binary is a few files.
ninja -C "$build" -j2 berth berth-bench

mkdir -p "$build/bench"
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
exec "$build/tests/bench/berth-bench" --berth "$build/app/berth" \
    --json "$build/bench/results.json" "$@"

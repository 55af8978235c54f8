#!/usr/bin/env bash
# Layer figures: a ~100 MB gzip layer listed by `berth ls` (cold and cached) against `tar -tzf`
# on the same blob, and one file read back by Range (bytes fetched, `berth cat` vs `tar -xzOf`).
# Prints a Markdown table and writes build/bench/layers-results.json (docs/performance.md).
#   tests/bench/run-layers.sh [--quick] [--repeats N]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${BUILD_DIR:-$root/build}
# shellcheck source=../../scripts/lib/deps.sh
source "$root/scripts/lib/deps.sh"
berth_install_deps
if [ ! -f "$build/build.ninja" ]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
ninja -C "$build" -j2 berth berth-layer-bench
mkdir -p "$build/bench"
exec "$build/tests/bench/berth-layer-bench" --berth "$build/app/berth" \
    --json "$build/bench/layers-results.json" "$@"

#!/usr/bin/env bash
# Builds Berth with AddressSanitizer + UndefinedBehaviorSanitizer (BERTH_SANITIZE=ON) in
# build-asan/ and runs the unit and integration tests under them. Exits with ctest's status.
#   scripts/sanitize.sh               unit + integration (the default)
#   scripts/sanitize.sh -L unit       any ctest arguments replace the default label filter
# See docs/testing.md for the measured time and the suppressions.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/deps.sh
source "$root/scripts/lib/deps.sh"
berth_install_deps

build="${BERTH_ASAN_BUILD_DIR:-$root/build-asan}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBERTH_SANITIZE=ON \
    -DBERTH_WERROR=OFF >/dev/null
cmake --build "$build" --parallel "${BERTH_JOBS:-$(nproc)}"

# halt_on_error / abort_on_error: the first finding fails the test that caused it.
# detect_leaks=1 with suppressions for leaks inside Qt and the system libraries it loads
# (scripts/lsan.supp explains each). strict_string_checks and detect_stack_use_after_return
# are left at their defaults: Qt's own code trips the former, the latter doubles stack use.
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:check_initialization_order=1:${ASAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$root/scripts/lsan.supp:print_suppressions=0:${LSAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$root/scripts/ubsan.supp:${UBSAN_OPTIONS:-}"
cd "$build"
if [ $# -eq 0 ]; then
    set -- -L 'unit|integration'
fi
exec ctest --output-on-failure --parallel "$(nproc)" "$@"

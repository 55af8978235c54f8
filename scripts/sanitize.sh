#!/usr/bin/env bash
# Builds Berth with AddressSanitizer + UndefinedBehaviorSanitizer (BERTH_SANITIZE=ON) in
# build-asan/ and runs tests under them. Exits with ctest's status.
#   scripts/sanitize.sh               unit + integration (the default)
#   scripts/sanitize.sh -L unit       any ctest arguments replace the default label filter
# Only the test executables ctest selects (and what they depend on) are built, so `-L unit`
# costs the unit tests' libraries, not the GUI. scripts/test.sh runs `-L unit` as its second
# stage. See docs/testing.md for the measured times, the findings and the suppressions.
# Environment: BERTH_ASAN_BUILD_DIR (default build-asan/), BERTH_JOBS (default nproc),
# BERTH_ASAN_CXXFLAGS (default "-O1 -g1").
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/deps.sh
source "$root/scripts/lib/deps.sh"
berth_install_deps

if [ $# -eq 0 ]; then
    set -- -L 'unit|integration'
fi
build="${BERTH_ASAN_BUILD_DIR:-$root/build-asan}"
jobs="${BERTH_JOBS:-$(nproc)}"
# -O1 -g1 by default: the sanitizers' usual level (-O2 makes stacks harder to read and the build
# slower; -O0 makes ASan runs ~2x slower); -g1 keeps line numbers in reports at a fraction of
# -g's size. BERTH_ASAN_CXXFLAGS overrides it: scripts/test.sh uses "-O0 -g0", which compiles
# ~40 % faster (registryclient.cpp: 13.9 s -> 8.6 s) for unit tests that run in seconds anyway;
# reports then name functions but not lines.
# No -DNDEBUG: Q_ASSERT is on, one more check while the sanitizers watch.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="${BERTH_ASAN_CXXFLAGS:--O1 -g1}" -DBERTH_SANITIZE=ON \
    -DBERTH_WERROR=OFF >/dev/null

# Test names are target names (berth_add_test); build just the ones selected.
mapfile -t targets < <(cd "$build" && ctest -N "$@" | sed -n 's/^ *Test *#[0-9]*: *\(tst_[A-Za-z0-9_]*\)$/\1/p')
if [ ${#targets[@]} -eq 0 ]; then
    echo "sanitize.sh: no tests selected by: $*" >&2
    exit 1
fi
cmake --build "$build" --parallel "$jobs" --target "${targets[@]}"

# halt_on_error / abort_on_error: the first finding fails the test that caused it.
# detect_leaks=1 with suppressions for leaks inside Qt and the system libraries it loads
# (scripts/lsan.supp explains each). strict_string_checks and detect_stack_use_after_return
# are left at their defaults: Qt's own code trips the former, the latter doubles stack use.
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:check_initialization_order=1:${ASAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$root/scripts/lsan.supp:print_suppressions=0:${LSAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$root/scripts/ubsan.supp:${UBSAN_OPTIONS:-}"
cd "$build"
exec ctest --output-on-failure --parallel "$jobs" "$@"

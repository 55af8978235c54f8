#!/usr/bin/env bash
# Installs what is missing, builds Berth, runs the whole CTest suite, then (second stage) the
# unit tests again under AddressSanitizer + UndefinedBehaviorSanitizer (scripts/sanitize.sh
# -L unit, at -O0 -g0 in build-asan-ci/). Exits non-zero when either stage fails.
#   BERTH_SKIP_SANITIZE=1 scripts/test.sh    the first stage only (docs/testing.md)
# Arguments go to the first stage's ctest.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=lib/deps.sh
source "$root/scripts/lib/deps.sh"
# What only the tests need, on top of the build's packages: the packaging tests
# (tests/packaging) build the .deb (dpkg-shlibdeps from dpkg-dev), install it and validate it
# (desktop-file-validate, appstreamcli, man); the notification test starts a dbus-daemon.
BERTH_PACKAGES+=(dpkg-dev desktop-file-utils appstream man-db dbus)
berth_install_deps

build="${BERTH_BUILD_DIR:-$root/build}"
werror=OFF
[ -n "${CI:-}" ] && werror=ON
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBERTH_WERROR="$werror"
cmake --build "$build" --parallel "$(nproc)"
# Each test starts its own registry on a free port, so tests may run side by side.
status=0
(cd "$build" && ctest --output-on-failure --parallel "$(nproc)" "$@") || status=$?

# Second stage: the unit tests under ASan + UBSan (a finding fails the run). Only the unit test
# targets are built there; measured cost in docs/testing.md.
if [ -z "${BERTH_SKIP_SANITIZE:-}" ]; then
    echo "== unit tests under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/)"
    # Its own build dir per flag set: switching flags in one would rebuild everything.
    BERTH_ASAN_CXXFLAGS="-O0 -g0" BERTH_ASAN_BUILD_DIR="${BERTH_ASAN_BUILD_DIR:-$root/build-asan-ci}" \
        "$root/scripts/sanitize.sh" -L unit || status=$?
fi
exit "$status"

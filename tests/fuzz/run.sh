#!/usr/bin/env bash
# Builds the libFuzzer harnesses with clang (in build-fuzz/, on first use) and runs one or all.
#   tests/fuzz/run.sh --build-only          configure + build only
#   tests/fuzz/run.sh TARGET [ARGS...]      run fuzz_TARGET on its seed corpus; ARGS go to
#                                           libFuzzer (default: -runs=$BERTH_FUZZ_RUNS)
#   tests/fuzz/run.sh all [ARGS...]         every target in turn
# New inputs go to a scratch corpus (build-fuzz/corpus/TARGET), never into the seed corpus;
# crashes are written to build-fuzz/crashes/. Exit status: non-zero when a target crashed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build="${BERTH_FUZZ_BUILD_DIR:-$root/build-fuzz}"
cxx="${BERTH_FUZZ_CXX:-$(command -v clang++-14 || command -v clang++ || true)}"
targets=(manifest imageconfig wwwauthenticate linkheader imagereference dockerconfig registryerror
    harborjson servertext layerreader)

if [ -z "$cxx" ]; then
    echo "run.sh: clang++ not found (apt-get install clang-14 libclang-rt-14-dev)" >&2
    exit 1
fi

build_all() {
    if [ ! -f "$build/build.ninja" ]; then
        cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            -DCMAKE_CXX_COMPILER="$cxx" >/dev/null
    fi
    # Two jobs: the machine is shared (see docs/fuzzing.md for the measured build time).
    cmake --build "$build" --parallel "${BERTH_FUZZ_JOBS:-2}"
}

run_one() {
    local target=$1
    shift
    local binary="$build/fuzz_$target"
    [ -x "$binary" ] || build_all
    local scratch="$build/corpus/$target"
    mkdir -p "$scratch" "$build/crashes"
    local args=("$@")
    [ ${#args[@]} -eq 0 ] && args=("-runs=${BERTH_FUZZ_RUNS:-20000}")
    # Leak checking is off: Qt's global statics (QRegularExpression caches, the Unicode tables)
    # are reported as leaks at exit by design; the unit tests under ASan watch our own leaks.
    ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:${ASAN_OPTIONS:-}" \
    UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}" \
        "$binary" "$scratch" "$here/corpus/$target" -max_len=65536 -timeout=10 \
            -artifact_prefix="$build/crashes/$target-" -print_final_stats=1 "${args[@]}"
}

case "${1:-all}" in
--build-only)
    build_all
    ;;
all)
    shift || true
    build_all
    for target in "${targets[@]}"; do
        run_one "$target" "$@"
    done
    ;;
*)
    target=$1
    shift
    run_one "$target" "$@"
    ;;
esac

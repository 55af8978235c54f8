# shellcheck shell=bash
# Installs the Debian 12 packages Berth needs to build, test and demo, only those missing.
# Sourced by scripts/test.sh and scripts/demo.sh.

BERTH_PACKAGES=(
    # build; ccache (picked up by CMakeLists.txt when present) keeps the second, sanitized
    # build of scripts/test.sh to ~2 min once warm (docs/testing.md)
    cmake ninja-build g++ pkg-config ccache
    qt6-base-dev qt6-base-dev-tools libgl-dev libqt6sql6-sqlite
    # the window's bundled SVG icons (app icon, fallback action icons)
    libqt6svg6
    # HttpServer's CMake package is only found with WebSockets installed next to it.
    qt6-httpserver-dev qt6-websockets-dev
    qtkeychain-qt6-dev
    # layers: libarchive reads tar and zstd; zlib inflates gzip; OpenSSL hashes
    libarchive-dev zlib1g-dev libssl-dev
    # test fixtures: the real registry, htpasswd for its basic-auth mode, libcrypto for the
    # token issuer that signs the JWTs the registry verifies
    docker-registry apache2-utils
    # benchmarks compare against skopeo and take peak RSS of children with GNU time; GUI checks
    # run under Xvfb
    skopeo time xvfb
    # the layer tests make images with the tools real images are made with
    tar gzip zstd umoci
    # libFuzzer harnesses (tests/fuzz, ctest label "fuzz") need clang and its fuzzer runtime
    clang-14 libclang-rt-14-dev
)

berth_missing_packages() {
    local pkg missing=()
    for pkg in "${BERTH_PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$pkg")
        fi
    done
    echo "${missing[@]}"
}

berth_install_deps() {
    local missing
    missing=$(berth_missing_packages)
    [ -z "$missing" ] && return 0
    echo "Installing missing packages: $missing"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "need root or sudo to install: $missing" >&2; return 1; }
        sudo=(sudo)
    fi
    # shellcheck disable=SC2086
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
}

# The registry package's own service is not wanted: fixtures start their own instances.
berth_registry_binary() {
    command -v docker-registry || echo /usr/bin/docker-registry
}

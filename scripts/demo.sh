#!/usr/bin/env bash
# Builds Berth and its demo registry, then opens Berth on a local registry full of demo content.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() {
    cat <<USAGE
Usage: scripts/demo.sh [--serve] [--port N]

Installs missing packages, builds Berth into build/ (Ninja), and starts a local Distribution
registry seeded with Berth's demo content (team-a/api, team-a/web, team-a/sub/deep,
team-b/worker, tools/charts/berth, library/busybox, big/many-tags with 5,000 tags; multi-arch
Docker manifest lists and OCI indexes, buildx attestations, a cosign signature, a Helm chart).
Storage persists in \${XDG_DATA_HOME:-\$HOME/.local/share}/berth-demo/registry, so the seed
(about a minute on disk) happens once.

  --serve     run the registry in the foreground until Ctrl-C (point Berth at it yourself)
  --port N    listen on 127.0.0.1:N (default: 5000 when free, else a free port)
  -h, --help  this text

Without --serve the registry runs in the background and the Berth window opens on
team-a/api (without a display, the command line lists and inspects it instead); the registry
stops when the window closes.
USAGE
}

serve=0
port=0
while [ $# -gt 0 ]; do
    case "$1" in
    --serve) serve=1 ;;
    --port)
        [ $# -ge 2 ] || { echo "--port needs a value" >&2; exit 2; }
        port=$2
        shift
        ;;
    --port=*) port=${1#--port=} ;;
    -h | --help)
        usage
        exit 0
        ;;
    *)
        echo "Unknown option: $1" >&2
        usage >&2
        exit 2
        ;;
    esac
    shift
done

# shellcheck source=lib/deps.sh
source "$root/scripts/lib/deps.sh"
berth_install_deps

build="${BERTH_BUILD_DIR:-$root/build}"
werror=OFF
[ -n "${CI:-}" ] && werror=ON
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBERTH_WERROR="$werror"
cmake --build "$build" --parallel "$(nproc)" --target berth berth-demo-registry

registry_bin="$build/tests/fixtures/berth-demo-registry"
# A stable address keeps the connection Berth saves for the demo the same across runs: 5000
# (docker's habit) when nothing listens there, else a free port.
if [ "$port" = 0 ] && ! (exec 3<>/dev/tcp/127.0.0.1/5000) 2>/dev/null; then
    port=5000
fi
berth_bin="$build/app/berth"
data="${XDG_DATA_HOME:-$HOME/.local/share}/berth-demo/registry"

if [ "$serve" -eq 1 ]; then
    exec "$registry_bin" --data "$data" --port "$port" --seed --serve
fi

tmp=$(mktemp -d)
registry_pid=
cleanup() {
    if [ -n "$registry_pid" ] && kill -0 "$registry_pid" 2>/dev/null; then
        kill -TERM "$registry_pid" 2>/dev/null || true
        wait "$registry_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# stderr (seed progress, summary) goes to the terminal; stdout carries the address line.
"$registry_bin" --data "$data" --port "$port" --seed --serve >"$tmp/out" &
registry_pid=$!

# The first seed on disk takes about a minute; later starts take a second.
url=
for _ in $(seq 1 3000); do
    url=$(sed -n 's/^Registry serving at \(http:\/\/.*\)$/\1/p' "$tmp/out" | head -n 1)
    [ -n "$url" ] && break
    if ! kill -0 "$registry_pid" 2>/dev/null; then
        echo "The demo registry exited before it was ready." >&2
        exit 1
    fi
    sleep 0.2
done
[ -n "$url" ] || { echo "The demo registry did not become ready in 10 minutes." >&2; exit 1; }
address=${url#http://}
echo "Demo registry at $url (storage: $data)"
echo

run() {
    echo "\$ ${*/#$root\//}"
    "$@" || echo "(exit status $?)"
    echo
}

if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
    # The window opens straight at a repository; the registry stops when the window closes.
    echo "Opening Berth on $address/team-a/api (close the window to stop the demo registry)."
    "$berth_bin" "$address/team-a/api" || echo "(berth exited with status $?)"
else
    echo "No display (DISPLAY/WAYLAND_DISPLAY unset): showing the command line instead."
    echo "Run scripts/demo.sh --serve and open it with: $berth_bin 127.0.0.1:PORT/team-a/api"
    echo
    run "$berth_bin" tags "$address/team-a/api"
    run "$berth_bin" inspect "$address/team-a/api:latest" --json
    run "$berth_bin" export "$address/team-a/web" --format markdown
fi
echo "For a registry that keeps running: scripts/demo.sh --serve"

#!/usr/bin/env bash
# Builds the .deb with CPack, installs it on this machine with apt (which resolves the declared
# dependencies), and checks the installed application: /usr/bin/berth --version, the desktop
# entry (desktop-file-validate), the AppStream metadata (appstreamcli validate --no-net), the
# man page (man -w, rendered without warnings), the completions' paths, and that the package
# declares the Qt plugins dpkg-shlibdeps cannot see. The package is removed again at the end,
# whatever happened, so the machine is left as found.
#   check_deb.sh CPACK_COMMAND BUILD_DIR VERSION APP_ID
# Needs root (installs into /usr); skipped (exit 77) otherwise. Needs dpkg-dev (dpkg-shlibdeps),
# desktop-file-utils, appstream and man-db: scripts/test.sh installs them.
set -euo pipefail

cpack=$1
build_dir=$2
version=$3
app_id=$4

if [[ $(id -u) -ne 0 ]]; then
    echo "SKIP: installing the .deb needs root (the test installs and removes the package berth)"
    exit 77
fi

for tool in dpkg-shlibdeps desktop-file-validate appstreamcli man apt-get flock; do
    command -v "$tool" >/dev/null || {
        echo "FAIL: $tool is missing (scripts/test.sh installs it)" >&2
        exit 1
    }
done

# One package test per machine at a time: several build trees (or engineers) share /usr and the
# dpkg database. Waits for another run rather than failing.
lock_dir=/run/lock
[[ -d $lock_dir ]] || lock_dir=/tmp
exec 9>"$lock_dir/berth-packaging-test.lock"
flock --timeout 600 9

# Never replace a berth someone installed: the test could not put it back.
if dpkg-query -W -f='${Status}' berth 2>/dev/null | grep -q 'ok installed'; then
    echo "FAIL: the package berth is already installed; remove it first (dpkg -r berth)" >&2
    exit 1
fi
for path in /usr/bin/berth /usr/bin/berth-desktop; do
    if [[ -e $path ]]; then
        echo "FAIL: $path exists outside the package; the test would overwrite it" >&2
        exit 1
    fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/berth-deb.XXXXXX")
installed=0
cleanup() {
    if ((installed)); then
        dpkg -r berth >/dev/null || echo "WARNING: dpkg -r berth failed" >&2
        if [[ -e /usr/bin/berth ]]; then
            echo "WARNING: /usr/bin/berth is still there after dpkg -r berth" >&2
        fi
    fi
    rm -rf "$work"
}
trap cleanup EXIT

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# The package, built in a directory of its own so the build tree is not written to.
"$cpack" -G DEB --config "$build_dir/CPackConfig.cmake" -B "$work" >"$work/cpack.log" 2>&1 || {
    cat "$work/cpack.log" >&2
    echo "FAIL: cpack -G DEB failed" >&2
    exit 1
}
shopt -s nullglob
debs=("$work"/berth_*.deb)
if [[ ${#debs[@]} -ne 1 ]]; then
    ls -l "$work" >&2
    echo "FAIL: expected one berth_*.deb from cpack, found ${#debs[@]}" >&2
    exit 1
fi
deb=${debs[0]}
echo "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"

# The control fields: the version, and the dependencies. Qt loads the SQLite driver, the platform
# plugins and the SVG icon engine at run time, so dpkg-shlibdeps cannot find them; the shared
# libraries it does find (Qt Core at least) prove it ran.
[[ $(dpkg-deb -f "$deb" Package) == berth ]] || fail "the package is not called berth"
[[ $(dpkg-deb -f "$deb" Version) == "$version" ]] ||
    fail "the package's version is $(dpkg-deb -f "$deb" Version), not $version"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for package in libqt6sql6-sqlite qt6-qpa-plugins libqt6svg6 libqt6core6 libqt6widgets6; do
    grep -qE "(^|, )$package( |,|$)" <<<"$depends" || fail "Depends does not name $package"
done
[[ -n $(dpkg-deb -f "$deb" Maintainer) ]] || fail "the package has no Maintainer"
[[ -n $(dpkg-deb -f "$deb" Section) ]] || fail "the package has no Section"

# Install it as a user would. apt takes the dependencies from the archive when missing; the
# lock timeout waits out another apt or dpkg run on the machine.
installed=1
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
    -o DPkg::Lock::Timeout=300 "$deb" >"$work/apt.log" 2>&1; then
    cat "$work/apt.log" >&2
    echo "FAIL: apt-get install $deb failed" >&2
    exit 1
fi
# Nothing left unresolved (a dependency apt could not satisfy would show up here).
if broken=$(apt-get -s -f install 2>&1 | grep -E '^(Inst|Remv) '); then
    fail "apt-get -s -f install still has work to do: $broken"
fi

got=$(/usr/bin/berth --version 2>&1) || fail "/usr/bin/berth --version failed: $got"
[[ "$got" == *"$version"* ]] || fail "/usr/bin/berth --version says '$got', not $version"
echo "/usr/bin/berth --version: $got"
for program in /usr/bin/berth /usr/bin/berth-desktop; do
    missing=$(ldd "$program" | grep 'not found' || true)
    [[ -z "$missing" ]] || fail "$program: shared libraries not found: $missing"
done

# The plugins Qt loads at run time, as installed by the package's dependencies, in a home of the
# test's own (nothing is written to root's). A command opens the metadata cache before it
# connects: the SQLite driver must create the database even though nothing listens on port 1.
home=$work/home
mkdir -p "$home/runtime"
chmod 700 "$home/runtime"
# Arguments: NAME=VALUE settings for env, then the command.
run_installed() {
    env -i PATH=/usr/bin:/bin HOME="$home" XDG_RUNTIME_DIR="$home/runtime" \
        DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/berth-test-no-bus "$@"
}
status=0
out=$(run_installed /usr/bin/berth inspect --kind registry --timeout 10 \
    127.0.0.1:1/berth-test/none:1 2>&1) || status=$?
[[ $status -eq 1 ]] || fail "berth inspect of an unreachable registry exited $status, not 1: $out"
database=$home/.cache/berth/berth/metadata.sqlite
if [[ ! -f $database ]] || [[ $(head -c 15 "$database") != "SQLite format 3" ]]; then
    fail "the installed berth made no SQLite metadata cache (Qt's SQLite driver): $out"
fi
# The window starts and keeps running (timeout ends it: 124) with a platform plugin.
status=0
out=$(run_installed QT_QPA_PLATFORM=offscreen timeout 5 /usr/bin/berth-desktop 2>&1) || status=$?
[[ $status -eq 124 ]] || fail "/usr/bin/berth-desktop ended with $status within 5 s: $out"

desktop=/usr/share/applications/$app_id.desktop
if [[ ! -f $desktop ]]; then
    fail "$desktop is not installed"
elif ! out=$(desktop-file-validate "$desktop" 2>&1) || [[ -n "$out" ]]; then
    fail "desktop-file-validate $desktop: $out"
fi

metainfo=/usr/share/metainfo/$app_id.metainfo.xml
if [[ ! -f $metainfo ]]; then
    fail "$metainfo is not installed"
elif ! out=$(appstreamcli validate --no-net "$metainfo" 2>&1); then
    fail "appstreamcli validate --no-net $metainfo: $out"
fi

man_file=$(man -w berth 2>&1) || fail "man -w berth: $man_file"
[[ "$man_file" == /usr/share/man/man1/berth.1.gz ]] ||
    fail "man -w berth finds '$man_file', not /usr/share/man/man1/berth.1.gz"
if [[ -f /usr/share/man/man1/berth.1.gz ]]; then
    warnings=$(MANWIDTH=80 man --warnings -l /usr/share/man/man1/berth.1.gz 2>&1 >/dev/null)
    [[ -z "$warnings" ]] || fail "the man page renders with warnings: $warnings"
fi

for path in /usr/share/bash-completion/completions/berth \
    /usr/share/zsh/vendor-completions/_berth \
    /usr/share/icons/hicolor/scalable/apps/berth.svg \
    /usr/share/icons/hicolor/48x48/apps/berth.png; do
    [[ -f $path ]] || fail "$path is not installed"
done

# Removed again: the package's files go with it.
if ! dpkg -r berth >"$work/remove.log" 2>&1; then
    cat "$work/remove.log" >&2
    fail "dpkg -r berth failed"
fi
installed=0
[[ ! -e /usr/bin/berth ]] || fail "/usr/bin/berth is still there after dpkg -r berth"

if ((failures > 0)); then
    echo "$failures problems with the .deb" >&2
    exit 1
fi
echo "the .deb installs, runs, validates and removes cleanly"

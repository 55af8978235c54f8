#!/usr/bin/env bash
# `cmake --install BUILD --prefix STAGE` puts exactly the expected files at their paths, and the
# files agree with each other: the desktop entry runs an installed program and names the
# installed icon, the AppStream id is the desktop file's basename, the icons have their sizes,
# the man page and the newest AppStream release carry the project's version.
#   check_install_tree.sh CMAKE_COMMAND BUILD_DIR VERSION APP_ID
set -euo pipefail

cmake=$1
build_dir=$2
version=$3
app_id=$4

stage=$(mktemp -d "${TMPDIR:-/tmp}/berth-install-tree.XXXXXX")
trap 'rm -rf "$stage"' EXIT

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

"$cmake" --install "$build_dir" --prefix "$stage" >/dev/null

icon_sizes=(16 22 24 32 48 64 128 256)
expected=(
    bin/berth
    bin/berth-desktop
    "share/applications/$app_id.desktop"
    "share/metainfo/$app_id.metainfo.xml"
    share/icons/hicolor/scalable/apps/berth.svg
    share/man/man1/berth.1.gz
    share/bash-completion/completions/berth
    share/zsh/vendor-completions/_berth
    share/doc/berth/README.md
    share/doc/berth/cli.md
    share/doc/berth/report-schema.md
    share/doc/berth/report-schema.json
)
for size in "${icon_sizes[@]}"; do
    expected+=("share/icons/hicolor/${size}x${size}/apps/berth.png")
done

# Exactly these files: a missing one fails, and so does one nobody meant to install.
actual=$(cd "$stage" && find . \( -type f -o -type l \) | sed 's|^\./||' | sort)
wanted=$(printf '%s\n' "${expected[@]}" | sort)
if [[ "$actual" != "$wanted" ]]; then
    fail "the installed files differ (< expected, > installed):"
    diff <(echo "$wanted") <(echo "$actual") >&2 || true
fi

for program in berth berth-desktop; do
    [[ -x "$stage/bin/$program" ]] || fail "bin/$program is not executable"
done

# "Berth <version>" from the staged binary itself.
if [[ -x "$stage/bin/berth" ]]; then
    got=$("$stage/bin/berth" --version) || fail "bin/berth --version failed"
    [[ "$got" == "berth $version" ]] || fail "bin/berth --version says '$got', not 'berth $version'"
fi

# A PNG's width and height are the big-endian words at bytes 16 and 20 (its IHDR chunk).
for size in "${icon_sizes[@]}"; do
    png="$stage/share/icons/hicolor/${size}x${size}/apps/berth.png"
    [[ -f "$png" ]] || continue
    signature=$(od -An -tx1 -N8 "$png" | tr -d ' \n')
    dimensions=$(od -An -tu1 -j16 -N8 "$png" | awk '{
        width = $1 * 2^24 + $2 * 2^16 + $3 * 2^8 + $4
        height = $5 * 2^24 + $6 * 2^16 + $7 * 2^8 + $8
        print width "x" height
    }')
    [[ "$signature" == 89504e470d0a1a0a ]] || fail "$png is not a PNG"
    [[ "$dimensions" == "${size}x${size}" ]] || fail "$png is $dimensions, not ${size}x${size}"
done

desktop="$stage/share/applications/$app_id.desktop"
if [[ -f "$desktop" ]]; then
    exec_program=$(sed -nE 's/^Exec=([^ ]+).*/\1/p' "$desktop")
    [[ -x "$stage/bin/$exec_program" ]] || fail "Exec=$exec_program is not an installed program"
    icon=$(sed -nE 's/^Icon=(.*)/\1/p' "$desktop")
    [[ -f "$stage/share/icons/hicolor/scalable/apps/$icon.svg" ]] ||
        fail "Icon=$icon is not an installed icon"
fi

metainfo="$stage/share/metainfo/$app_id.metainfo.xml"
if [[ -f "$metainfo" ]]; then
    id=$(sed -nE 's|.*<id>(.*)</id>.*|\1|p' "$metainfo")
    [[ "$id" == "$app_id" ]] || fail "the AppStream id is '$id', not the desktop file's '$app_id'"
    grep -q "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" "$metainfo" ||
        fail "the metainfo does not launch $app_id.desktop"
    newest=$(grep -m1 -oE '<release version="[^"]+"' "$metainfo" | sed -E 's/.*"(.*)"/\1/')
    [[ "$newest" == "$version" ]] ||
        fail "the newest AppStream release is '$newest', not the project's $version"
fi

man="$stage/share/man/man1/berth.1.gz"
if [[ -f "$man" ]]; then
    if ! gzip -t "$man"; then
        fail "$man is not gzip data"
    elif ! gzip -dc "$man" | grep -q "^\.TH BERTH 1 .*\"Berth $version\""; then
        fail "the man page's .TH line does not carry version $version"
    fi
fi

completion="$stage/share/bash-completion/completions/berth"
if [[ -f "$completion" ]] && ! bash -n "$completion"; then
    fail "the bash completion has a syntax error"
fi

if ((failures > 0)); then
    echo "$failures problems in the install tree" >&2
    exit 1
fi
echo "install tree: ${#expected[@]} files at their paths, consistent"

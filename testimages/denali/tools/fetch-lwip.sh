#!/bin/sh
# fetch-lwip.sh CACHE VERSION DSC_SHA256
#
# Fetches Debian's `lwip` source package VERSION with apt's ordinary client, checks it against
# the pinned SHA-256 of its .dsc, and unpacks it (Debian's patches applied) into
# CACHE/lwip-VERSION. Nothing here touches the machine's apt configuration: the deb-src lines
# are derived from the machine's own Debian `deb` entries into a private apt state under
# CACHE/apt, so the same mirror the machine already uses serves the source package.
#
# Trust chain: apt checks the Sources index against the archive's signed Release file and the
# downloaded files against the index; this script then requires the .dsc to have exactly the
# pinned SHA-256, and dpkg-source (or the fallback below) requires every other file to match
# the checksums listed in that .dsc. Offline: put the three files (.dsc, .orig.tar.xz,
# .debian.tar.xz) into CACHE/download/ by hand; the same checks apply.
set -eu
cache=$1 version=$2 dsc_sha256=$3
upstream=${version%-*}
src=$cache/lwip-$version
dl=$cache/download
dsc=$dl/lwip_$version.dsc

if [ -f "$src/.complete" ]; then exit 0; fi
mkdir -p "$dl"

verify_dsc() { [ -f "$dsc" ] && echo "$dsc_sha256  $dsc" | sha256sum -c --status; }

if ! verify_dsc; then
    echo "fetch-lwip: downloading Debian source package lwip=$version" >&2
    apt=$cache/apt
    mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/parts"
    # deb-src twins of the machine's Debian entries, in both of apt's list formats.
    : >"$apt/deb-src.list"
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] && sed -n 's/^[[:space:]]*deb[[:space:]]\(.*\/debian\(-security\)\{0,1\}\/\{0,1\}[[:space:]].*\)/deb-src \1/p' "$f" >>"$apt/deb-src.list"
    done
    : >"$apt/parts/debian.sources"
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] && awk 'BEGIN { RS = ""; ORS = "\n\n" }
            /(^|\n)Types:[^\n]*deb/ && /(^|\n)URIs:[^\n]*\/debian(-security)?\/?([ \n]|$)/ {
                sub(/Types:[^\n]*/, "Types: deb-src"); print }' "$f" >>"$apt/parts/debian.sources"
    done
    if [ ! -s "$apt/deb-src.list" ] && [ ! -s "$apt/parts/debian.sources" ]; then
        echo "fetch-lwip: no Debian entries in /etc/apt to derive deb-src from;" >&2
        echo "  put lwip_$version.dsc and its tarballs into $dl by hand" >&2
        exit 1
    fi
    run_apt() {
        apt-get -q -o Dir::Etc::SourceList="$apt/deb-src.list" -o Dir::Etc::SourceParts="$apt/parts" \
            -o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt" -o Dir::Cache::archives="$apt/archives" \
            -o Dir::State::status=/dev/null -o APT::Sandbox::User=root "$@"
    }
    run_apt update >&2
    (cd "$dl" && run_apt source --download-only "lwip=$version") >&2
    if ! verify_dsc; then
        echo "fetch-lwip: $dsc does not have the pinned SHA-256 $dsc_sha256" >&2
        exit 1
    fi
    rm -rf "$apt" # the package indexes were needed only for this download
fi

rm -rf "$src" "$src.tmp"
# Every file the .dsc lists must match its SHA-256 there (dpkg-source checks them again).
awk '/^Checksums-Sha256:/ { on = 1; next } /^[^ ]/ { on = 0 } on && NF == 3 { print $1 "  " $3 }' "$dsc" |
    (cd "$dl" && sha256sum -c --status) || { echo "fetch-lwip: tarballs do not match $dsc" >&2; exit 1; }
if command -v dpkg-source >/dev/null 2>&1; then
    dpkg-source -x "$dsc" "$src.tmp" >&2
elif ! command -v patch >/dev/null 2>&1 || ! command -v xz >/dev/null 2>&1; then
    echo "fetch-lwip: needs dpkg-source (apt-get install dpkg-dev) or patch and xz" >&2
    exit 1
else
    # What dpkg-source does for a "3.0 (quilt)" package: unpack the upstream tarball, add
    # debian/, apply debian/patches/series in order.
    mkdir -p "$src.tmp"
    tar -xJf "$dl/lwip_$upstream.orig.tar.xz" -C "$src.tmp" --strip-components=1
    tar -xJf "$dl/lwip_$version.debian.tar.xz" -C "$src.tmp"
    while read -r p; do
        case $p in ''|'#'*) continue ;; esac
        patch -s -p1 -d "$src.tmp" <"$src.tmp/debian/patches/$p"
    done <"$src.tmp/debian/patches/series"
fi
touch "$src.tmp/.complete"
mv "$src.tmp" "$src"
echo "fetch-lwip: lwIP $version unpacked in $src" >&2

#!/usr/bin/env bash
# Fetches Debian 12's i386 Linux kernel (linux-image-6.1.0-*-686, through the linux-image-686 metapackage)
# and busybox-static:i386 with apt, in a private apt state (this machine's own apt configuration is not
# changed: no architecture is added to it), and extracts vmlinuz and the busybox binary.
#
# Usage: scripts/fetch-debian-i386.sh [CACHE_DIR]      (default: ~/.cache/denali-j/debian-i386)
# Prints two lines: the path of vmlinuz, then the path of busybox. Everything else goes to stderr.
#
# Checksums: apt verifies the index files against the archive's signed InRelease and each .deb against the
# SHA256 of its index entry; this script checks each .deb's SHA256 against `apt-cache show` once more before
# extracting it, and keeps the extracted files with the hash of the .deb they came from, so a cache whose .deb
# no longer matches is fetched again.
set -euo pipefail

cache="${1:-${HOME}/.cache/denali-j/debian-i386}"
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"
state="$cache/apt"
out="$cache/files"

log() { echo "fetch-debian-i386: $*" >&2; }

# Reuse a complete extraction whose .deb files are still there and unchanged.
if [ -f "$out/vmlinuz" ] && [ -f "$out/busybox" ] && [ -f "$out/SHA256SUMS" ] \
    && (cd "$cache/debs" && sha256sum --quiet -c "$out/SHA256SUMS") >/dev/null 2>&1; then
  echo "$out/vmlinuz"
  echo "$out/busybox"
  exit 0
fi

for tool in apt-get apt-cache dpkg-deb sha256sum; do
  command -v "$tool" >/dev/null || { log "needs $tool (a Debian system with apt)"; exit 2; }
done

mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$cache/debs"
: > "$state/status"
cat > "$state/apt.conf" <<EOF
Dir::State "$state";
Dir::State::status "$state/status";
Dir::Cache "$state/cache";
APT::Architecture "i386";
APT::Architectures { "i386"; };
APT::Sandbox::User "root";
Acquire::Languages "none";
EOF
export APT_CONFIG="$state/apt.conf"

log "updating a private i386 package index (this machine's apt sources)"
# A mirror in the middle of a sync can fail one suite's index (often the security suite); the packages
# needed here are in the main suite, so go on when at least that worked and let the lookups below decide.
apt-get -q update >&2 || log "apt-get update reported errors; continuing with the indexes it got"

kernel_pkg="$(apt-cache depends linux-image-686 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-6\.1\.0-[0-9]*-686\)$/\1/p' | head -1)"
[ -n "$kernel_pkg" ] || { log "no linux-image-6.1.0-*-686 found through linux-image-686 in the i386 index"; exit 3; }
log "kernel package: $kernel_pkg"

cd "$cache/debs"
rm -f ./*.deb
apt-get -q download "$kernel_pkg" busybox-static >&2

verify() {  # package, deb file: the SHA256 the index gives for the candidate version
  local want
  want="$(apt-cache show --no-all-versions "$1" | sed -n 's/^SHA256: //p' | head -1)"
  [ -n "$want" ] || { log "no SHA256 for $1 in the index"; exit 3; }
  echo "$want  $2" | sha256sum --quiet -c - >&2 || { log "$2: SHA256 does not match the package index"; exit 3; }
  echo "$want  $2"
}
kdeb="$(ls "$kernel_pkg"_*_i386.deb)"
bdeb="$(ls busybox-static_*_i386.deb)"
sums="$(verify "$kernel_pkg" "$kdeb"; verify busybox-static "$bdeb")"

rm -rf "$out" "$cache/x"
mkdir -p "$out" "$cache/x"
dpkg-deb -x "$kdeb" "$cache/x"
dpkg-deb -x "$bdeb" "$cache/x"
cp "$cache/x"/boot/vmlinuz-* "$out/vmlinuz"
cp "$cache/x/bin/busybox" "$out/busybox"
rm -rf "$cache/x"
echo "$sums" > "$out/SHA256SUMS"
log "extracted $(basename "$kdeb") and $(basename "$bdeb")"
echo "$out/vmlinuz"
echo "$out/busybox"

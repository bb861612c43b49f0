#!/bin/sh
# Regenerates cpu/src/test/resources/fpu/vectors.txt.gz from the host CPU (needs gcc with -m32 support,
# e.g. Debian's gcc-multilib). The file records the host's answers; the JUnit test FpuVectorsTest replays them.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../../resources/fpu/vectors.txt.gz"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -m32 -O1 -Wall -Wextra -o "$tmp/fpuvectors" "$here/fpuvectors.c"
{ echo "# cpu: $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"; "$tmp/fpuvectors" "${1:-1}"; } | gzip -9n > "$out"
echo "wrote $out ($(zcat "$out" | wc -l) lines, $(wc -c < "$out") bytes)"

#!/bin/sh
# Rebuilds the ALU test vectors from the host CPU (the oracle) into
# cpu/src/test/resources/alu/vectors.txt.gz. Needs gcc with 32-bit support (gcc-multilib).
# The output depends on the CPU vendor for architecturally undefined flags; the header line records it.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../../resources/alu/vectors.txt.gz"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -m32 -O1 -Wall -Wextra -o "$tmp/aluvectors" "$here/aluvectors.c"
mkdir -p "$(dirname "$out")"
"$tmp/aluvectors" | gzip -9n > "$out"
echo "wrote $out ($(wc -c < "$out") bytes, $(gzip -dc "$out" | wc -l) lines)"

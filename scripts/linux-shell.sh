#!/usr/bin/env bash
# An interactive Linux shell on Denali-J: Debian 12's i386 kernel and busybox (fetched and cached by
# scripts/fetch-debian-i386.sh), an initramfs that starts a shell on the serial console, and `denali pc`.
# Extra arguments go to `denali pc` (e.g. --mem 512). In the guest, `poweroff -f` ends the run; Ctrl-A X too.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mapfile -t files < <("$here/scripts/fetch-debian-i386.sh")
initrd="$(dirname "${files[1]}")/shell-initramfs.cpio"
python3 "$here/scripts/make-initramfs.py" "${files[1]}" "$initrd"
exec "${DENALI:-$here/denali}" pc --kernel "${files[0]}" --initrd "$initrd" --append "console=ttyS0 quiet" --mem 256 "$@"

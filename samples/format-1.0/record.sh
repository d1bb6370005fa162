#!/bin/sh
# Format 1.0 (the first release: block I/O only): 200 direct synchronous 4 KiB writes by dd.
set -eu
cd "$(dirname "$0")/../.."
f=$(mktemp /var/tmp/ebrec-sample-dd.XXXXXX)
trap 'rm -f "$f"' EXIT
samples/record-old-format.sh samples/format-1.0 43209a4^ block "biosnoop" \
	dd if=/dev/zero of="$f" bs=4k count=200 oflag=direct,dsync status=none

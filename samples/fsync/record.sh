#!/bin/sh
# Format 1.4: 20 single-block writes, each made durable by dd's fsync (conv=fsync), on the
# disk under /var/tmp: the flush requests the kernel issues for them (FF, no submitter but the
# task that issued them) and the kernel's own request flags (biolatency -F).
set -eu
cd "$(dirname "$0")/../.."
f=$(mktemp /var/tmp/ebrec-sample-fsync.XXXXXX)
trap 'rm -f "$f"' EXIT
samples/record-sample.sh samples/fsync block "biosnoop" \
	sh -c 'for i in $(seq 20); do
		dd if=/dev/zero of="$1" bs=4k count=1 seek="$i" conv=notrunc,fsync status=none
	done' sh "$f"

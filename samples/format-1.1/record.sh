#!/bin/sh
# Format 1.1 (proc and file families added): a shell that lists /etc, reads a file and runs
# a missing program.
set -eu
cd "$(dirname "$0")/../.."
samples/record-old-format.sh samples/format-1.1 6fd4da0^ proc,file "execsnoop opensnoop" \
	sh -c 'ls /etc >/dev/null; cat /etc/os-release >/dev/null; /nonexistent 2>/dev/null; true'
